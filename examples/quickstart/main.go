// Command quickstart walks a real JMessage flow: it registers users and an
// admin, creates a group, sends a text and an image message, lists the
// group's members, retracts a message and prints what happened.
//
//	go run ./examples/quickstart
//
// With no configuration it starts the in-memory fake server (package
// jmessagetest) in-process, so it runs on a fresh machine with no
// credentials. With JMESSAGE_APP_KEY and JMESSAGE_MASTER_SECRET set it runs
// against the real API instead (JMESSAGE_BASE_URL overrides the endpoint),
// with usernames made unique by a suffix, and deletes what it created.
package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"os"
	"strconv"
	"time"

	"github.com/jmessage-go/jmessage"
	"github.com/jmessage-go/jmessage/jmessagetest"
)

func main() {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := run(ctx, os.Stdout, os.Getenv); err != nil {
		fmt.Fprintln(os.Stderr, "quickstart:", err)
		os.Exit(1)
	}
}

// run connects (to the real API or the fake, as getenv says) and walks the flow.
func run(ctx context.Context, out io.Writer, getenv func(string) string) error {
	appKey, secret := getenv("JMESSAGE_APP_KEY"), getenv("JMESSAGE_MASTER_SECRET")
	var c *jmessage.Client
	suffix := ""
	if appKey != "" && secret != "" {
		var opts []jmessage.Option
		if base := getenv("JMESSAGE_BASE_URL"); base != "" {
			opts = append(opts, jmessage.WithBaseURL(base))
		}
		var err error
		if c, err = jmessage.New(appKey, secret, opts...); err != nil {
			return err
		}
		suffix = "_" + strconv.FormatInt(time.Now().Unix(), 36) // do not collide with existing users
		fmt.Fprintf(out, "Using the JMessage API at %s as app %s.\n", c.BaseURL(), c.AppKey())
	} else {
		srv, err := jmessagetest.Start()
		if err != nil {
			return err
		}
		defer srv.Close()
		if c, err = srv.NewClient(); err != nil {
			return err
		}
		fmt.Fprintln(out, "Using the in-process fake JMessage server (set JMESSAGE_APP_KEY and JMESSAGE_MASTER_SECRET to use the real API).")
	}
	defer c.CloseIdleConnections()
	return flow(ctx, out, c, suffix)
}

// flow is the walk-through itself, the same against the fake and the real API.
func flow(ctx context.Context, out io.Writer, c *jmessage.Client, suffix string) (err error) {
	alice, bob, admin := "qs_alice"+suffix, "qs_bob"+suffix, "qs_admin"+suffix

	// 1. Register two users in one call; each gets its own result.
	results, _, err := c.Users.RegisterBatch(ctx, []jmessage.NewUser{
		{Username: alice, Password: "alice-password", Nickname: "Alice"},
		{Username: bob, Password: "bob-password", Nickname: "Bob"},
	})
	if err != nil {
		return fmt.Errorf("register: %w", err)
	}
	for _, r := range results {
		if r.Err != nil {
			return fmt.Errorf("register %s: %w", r.Username, r.Err)
		}
		fmt.Fprintf(out, "Registered user %s.\n", r.Username)
	}
	defer func() {
		_, delErr := c.Users.DeleteBatch(context.WithoutCancel(ctx), []string{alice, bob, admin})
		err = errors.Join(err, delErr)
	}()

	// 2. Register an admin: admins send system messages.
	if _, err := c.Users.RegisterAdmin(ctx, jmessage.NewAdmin{Username: admin, Password: "admin-password"}); err != nil {
		return fmt.Errorf("register admin: %w", err)
	}
	fmt.Fprintf(out, "Registered admin %s.\n", admin)
	u, _, err := c.Users.Get(ctx, alice)
	if err != nil {
		return fmt.Errorf("get user: %w", err)
	}
	fmt.Fprintf(out, "User %s is %q, registered at %s.\n", u.Username, u.Nickname, u.CTime.Format(time.DateTime))
	return groupChat(ctx, out, c, alice, bob, admin)
}

// groupChat is the rest of the walk-through: a group, a text, an image, the
// members and a retract, with the group deleted at the end.
func groupChat(ctx context.Context, out io.Writer, c *jmessage.Client, alice, bob, admin string) (err error) {
	// 3. Alice creates a group with Bob in it.
	g, _, err := c.Groups.Create(ctx, jmessage.NewGroup{OwnerUsername: alice, Name: "Quick start", Members: []string{bob},
		Desc: "made by examples/quickstart"})
	if err != nil {
		return fmt.Errorf("create group: %w", err)
	}
	fmt.Fprintf(out, "Created group %q (gid %d) owned by %s.\n", g.Name, g.GID, alice)
	defer func() {
		_, delErr := c.Groups.Delete(context.WithoutCancel(ctx), g.GID)
		err = errors.Join(err, delErr)
	}()

	// 4. Send a text message from the admin to Alice.
	text, _, err := c.Messages.Send(ctx, jmessage.Message{From: jmessage.FromAdmin(admin), To: jmessage.ToUser(alice),
		Body: jmessage.Text{Text: "Welcome to JMessage, Alice!"}})
	if err != nil {
		return fmt.Errorf("send text: %w", err)
	}
	fmt.Fprintf(out, "Sent text message %d.\n", text.MsgID)

	// 5. Upload an image and send it from Bob to the group: the upload's
	// answer is the message body as it is.
	media, _, err := c.Resources.Upload(ctx, jmessage.MediaImage, "square.png", bytes.NewReader(square()))
	if err != nil {
		return fmt.Errorf("upload: %w", err)
	}
	img := media.Image
	fmt.Fprintf(out, "Uploaded a %dx%d %s image of %d bytes.\n", img.Width, img.Height, img.Format, img.FSize)
	pic, _, err := c.Messages.Send(ctx, jmessage.Message{From: jmessage.FromUser(bob), To: jmessage.ToGroup(g.GID), Body: img})
	if err != nil {
		return fmt.Errorf("send image: %w", err)
	}
	fmt.Fprintf(out, "Sent image message %d to the group.\n", pic.MsgID)
	if err := listMembers(ctx, out, c, g.GID); err != nil {
		return err
	}
	return retractTwice(ctx, out, c, admin, text.MsgID)
}

// listMembers prints a group's members and their roles.
func listMembers(ctx context.Context, out io.Writer, c *jmessage.Client, gid int64) error {
	// 6. List the group's members.
	members, _, err := c.Groups.Members(ctx, gid)
	if err != nil {
		return fmt.Errorf("group members: %w", err)
	}
	for _, m := range members {
		role := "member"
		if m.Role == jmessage.GroupOwnerRole {
			role = "owner"
		}
		fmt.Fprintf(out, "Group member %s (%s).\n", m.Username, role)
	}
	return nil
}

// retractTwice retracts a message, then shows the typed error of a second try.
func retractTwice(ctx context.Context, out io.Writer, c *jmessage.Client, admin string, msgID int64) error {
	// 7. Retract the text message (allowed for 3 minutes after sending);
	// a second retract is refused with a typed error.
	if _, err := c.Messages.Retract(ctx, admin, msgID); err != nil {
		return fmt.Errorf("retract: %w", err)
	}
	fmt.Fprintf(out, "Retracted message %d.\n", msgID)
	if _, err := c.Messages.Retract(ctx, admin, msgID); errors.Is(err, jmessage.ErrAlreadyRetracted) {
		fmt.Fprintln(out, "Retracting it again fails: already retracted.")
	}
	fmt.Fprintln(out, "Done.")
	return nil
}

// square is a 64×64 PNG: a blue square on white.
func square() []byte {
	img := image.NewRGBA(image.Rect(0, 0, 64, 64))
	for y := range 64 {
		for x := range 64 {
			c := color.RGBA{255, 255, 255, 255}
			if x >= 16 && x < 48 && y >= 16 && y < 48 {
				c = color.RGBA{30, 90, 200, 255}
			}
			img.Set(x, y, c)
		}
	}
	var b bytes.Buffer
	_ = png.Encode(&b, img) // writing to a bytes.Buffer cannot fail
	return b.Bytes()
}
