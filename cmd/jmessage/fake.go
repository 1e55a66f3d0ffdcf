package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/jmessage-go/jmessage"
	"github.com/jmessage-go/jmessage/internal/fakeserve"
	"github.com/jmessage-go/jmessage/jmessagetest"
)

// The demo data of a --fake server.
const (
	demoAdmin    = "admin"
	demoPassword = "demo-password"
	// demoHistory is how far back the demo messages go, one every
	// demoEvery (the note of startFake says so in words).
	demoHistory = 30 * 24 * time.Hour
	demoEvery   = 2 * time.Hour
)

// demoUsers are the demo users: the first owns the demo group and chatroom.
func demoUsers() []string { return []string{"alice", "brian", "carol"} }

// fakeCommand serves the fake over HTTP, as cmd/jmessage-fake does.
func (a *app) fakeCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "fake [-addr host:port] [-appkey key] [-secret secret] [-app key:secret]... [-routing url]",
		Short: "Serve the in-memory fake JMessage server over HTTP until interrupted",
		Long: `fake serves the jmessagetest in-memory JMessage server over HTTP, as the
jmessage-fake command does (the same code, the same flags: jmessage fake -h),
with the report host's paths under /v2 and its control API under /_fake. It
prints the base URLs and the fake's own credentials as shell assignments (the
fake's, not yours: they are made up), then serves until interrupted. The
default address is 127.0.0.1:8080; -addr 127.0.0.1:0 picks a free port.`,
		Example: `  jmessage fake -addr 127.0.0.1:8089 > fake.env &   # serve in the background
  sleep 1; export $(cat fake.env)                    # its URLs and credentials
  jmessage users import users.csv                    # against it`,
		DisableFlagParsing: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			err := fakeserve.Run(cmd.Context(), "jmessage fake", args, a.stdout, a.stderr, nil)
			if errors.Is(err, fakeserve.ErrUsage) {
				return usageError{err}
			}
			return err
		},
	}
}

// startFake starts the in-process fake of --fake, seeds it with demo data
// and returns a client of it.
func (a *app) startFake(ctx context.Context) (*jmessage.Client, error) {
	// The fake's clock runs demoHistory behind, so that the demo messages
	// are sent across that time; seedHistory moves it to now.
	srv, err := jmessagetest.Start(jmessagetest.WithClock(func() time.Time { return time.Now().Add(-demoHistory) }))
	if err != nil {
		return nil, err
	}
	a.srv = srv
	c, err := srv.NewClient()
	if err != nil {
		return nil, err
	}
	a.client = c
	gid, roomID, err := seedDemo(ctx, c)
	if err == nil {
		err = seedHistory(ctx, srv, c, gid, roomID)
	}
	if err != nil {
		return nil, fmt.Errorf("seeding the fake: %w", err)
	}
	a.note("--fake: an in-process fake server, gone when the command ends, with admin %s, users %s, group %d, chatroom %d and a message every 2 hours of the last 30 days",
		demoAdmin, strings.Join(demoUsers(), ", "), gid, roomID)
	return c, nil
}

// seedDemo registers the demo admin and users and creates a group and a
// chatroom, through the API as any client would.
func seedDemo(ctx context.Context, c *jmessage.Client) (gid, roomID int64, err error) {
	if _, err := c.Users.RegisterAdmin(ctx, jmessage.NewAdmin{Username: demoAdmin, Password: demoPassword}); err != nil {
		return 0, 0, err
	}
	names := demoUsers()
	users := make([]jmessage.NewUser, len(names))
	for i, name := range names {
		users[i] = jmessage.NewUser{Username: name, Password: demoPassword}
	}
	if _, err := c.Users.RegisterBulk(ctx, users, jmessage.BulkOptions{}); err != nil {
		return 0, 0, err
	}
	members := names[1:]
	group, _, err := c.Groups.Create(ctx, jmessage.NewGroup{OwnerUsername: names[0], Name: "demo", Members: members})
	if err != nil {
		return 0, 0, err
	}
	roomID, _, err = c.Chatrooms.Create(ctx, jmessage.NewChatroom{OwnerUsername: names[0], Name: "lobby", Members: members})
	return group.GID, roomID, err
}

// seedHistory sends a demo message every demoEvery, moving the fake's
// clock from demoHistory ago to now: to a user from the admin and from a
// user, to the group and to the chatroom in turn.
func seedHistory(ctx context.Context, srv *jmessagetest.Server, c *jmessage.Client, gid, roomID int64) error {
	names := demoUsers()
	kinds := []jmessage.Message{
		{From: jmessage.FromAdmin(demoAdmin), To: jmessage.ToUser(names[0])},
		{From: jmessage.FromUser(names[0]), To: jmessage.ToGroup(gid)},
		{From: jmessage.FromUser(names[1]), To: jmessage.ToChatroom(roomID)},
		{From: jmessage.FromUser(names[2]), To: jmessage.ToUser(names[1])},
	}
	n := int(demoHistory / demoEvery)
	for i := range n {
		msg := kinds[i%len(kinds)]
		msg.Body = jmessage.Text{Text: fmt.Sprintf("demo message %d of %d", i+1, n)}
		if _, _, err := c.Messages.Send(ctx, msg); err != nil {
			return err
		}
		srv.Advance(demoEvery)
	}
	return nil
}
