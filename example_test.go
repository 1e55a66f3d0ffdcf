package jmessage_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/png"
	"io"
	"log"
	"net/http"
	"strings"

	"github.com/jmessage-go/jmessage"
	"github.com/jmessage-go/jmessage/jmessagetest"
)

// The examples run against jmessagetest, the in-memory JMessage server, so
// that they need no credentials. Real code makes its client with
//
//	c, err := jmessage.New(appKey, masterSecret)

// fake starts an in-memory server knowing the given extra apps (app key,
// master secret pairs) and returns it with a client of its primary app.
// Close the server when done: it closes the client's connections too.
func fake(apps ...string) (*jmessagetest.Server, *jmessage.Client) {
	var opts []jmessagetest.Option
	for i := 0; i+1 < len(apps); i += 2 {
		opts = append(opts, jmessagetest.WithApp(apps[i], apps[i+1]))
	}
	srv, err := jmessagetest.Start(opts...)
	if err != nil {
		log.Fatal(err)
	}
	c, err := srv.NewClient()
	if err != nil {
		log.Fatal(err)
	}
	return srv, c
}

// must stops the example on an error.
func must(err error) {
	if err != nil {
		log.Fatal(err)
	}
}

// users registers users with a password each.
func users(c *jmessage.Client, names ...string) {
	batch := make([]jmessage.NewUser, len(names))
	for i, n := range names {
		batch[i] = jmessage.NewUser{Username: n, Password: n + "-password"}
	}
	_, _, err := c.Users.RegisterBatch(context.Background(), batch)
	must(err)
}

func ExampleUsersService_Register() {
	srv, c := fake()
	defer srv.Close()
	ctx := context.Background()

	_, err := c.Users.Register(ctx, jmessage.NewUser{
		Username: "alice", Password: "alice-password", Nickname: "Alice", Gender: jmessage.GenderFemale,
	})
	must(err)

	// A user who exists already is the call's error.
	_, err = c.Users.Register(ctx, jmessage.NewUser{Username: "alice", Password: "another-password"})
	fmt.Println("alice again:", errors.Is(err, jmessage.ErrUserExists))

	u, _, err := c.Users.Get(ctx, "alice")
	must(err)
	fmt.Println(u.Username, u.Nickname, u.Gender == jmessage.GenderFemale)

	_, _, err = c.Users.Get(ctx, "nobody")
	fmt.Println("nobody:", errors.Is(err, jmessage.ErrUserNotFound))
	// Output:
	// alice again: true
	// alice Alice true
	// nobody: true
}

func ExampleUsersService_RegisterBatch() {
	srv, c := fake()
	defer srv.Close()
	ctx := context.Background()

	users(c, "alice")
	// Each user of a call has its own result: alice exists, carol is new.
	results, _, err := c.Users.RegisterBatch(ctx, []jmessage.NewUser{
		{Username: "alice", Password: "another-password"},
		{Username: "carol", Password: "carol-password"},
	})
	must(err)
	for _, r := range results {
		fmt.Println(r.Username, "exists:", errors.Is(r.Err, jmessage.ErrUserExists), "registered:", r.Err == nil)
	}
	// Output:
	// alice exists: true registered: false
	// carol exists: false registered: true
}

func ExampleUsersService_RegisterBulk() {
	srv, c := fake()
	defer srv.Close()
	ctx := context.Background()

	// 1,200 users go out in calls of at most 500.
	batch := make([]jmessage.NewUser, 1200)
	for i := range batch {
		batch[i] = jmessage.NewUser{Username: fmt.Sprintf("user%04d", i), Password: "password"}
	}
	calls := 0
	results, err := c.Users.RegisterBulk(ctx, batch, jmessage.BulkOptions{
		Concurrency: 1,
		Progress:    func(done, total int) { calls++ },
	})
	must(err)
	fmt.Println(len(results), "users registered in", calls, "calls")

	// Running the import again is harmless: every user is already so.
	batch = append(batch, jmessage.NewUser{Username: "newcomer", Password: "password"})
	results, err = c.Users.RegisterBulk(ctx, batch, jmessage.BulkOptions{})
	must(err)
	count := map[jmessage.BulkOutcome]int{}
	for _, r := range results {
		count[r.Outcome]++
	}
	fmt.Println(count[jmessage.BulkDone], "done,", count[jmessage.BulkAlready], "already,", count[jmessage.BulkFailed], "failed")
	// Output:
	// 1200 users registered in 3 calls
	// 1 done, 1200 already, 0 failed
}

func ExampleMessagesService_Send() {
	srv, c := fake()
	defer srv.Close()
	ctx := context.Background()
	users(c, "alice")
	_, err := c.Users.RegisterAdmin(ctx, jmessage.NewAdmin{Username: "admin", Password: "admin-password"})
	must(err)

	sent, _, err := c.Messages.Send(ctx, jmessage.Message{
		From: jmessage.FromAdmin("admin"),
		To:   jmessage.ToUser("alice"),
		Body: jmessage.Text{Text: "Welcome, Alice!"},
	})
	must(err)
	fmt.Println("message id assigned:", sent.MsgID > 0)

	// The fake records what it delivered.
	for _, m := range srv.Messages() {
		fmt.Printf("%s %s → %s: %s\n", m.MsgType, m.FromID, m.TargetID, m.Body)
	}
	// Output:
	// message id assigned: true
	// text admin → alice: {"text":"Welcome, Alice!"}
}

func ExampleMessagesService_Send_image() {
	srv, c := fake()
	defer srv.Close()
	ctx := context.Background()
	users(c, "alice", "bob01")

	// Upload a picture (here a 3×2 PNG made on the spot)…
	var pic bytes.Buffer
	must(png.Encode(&pic, image.NewRGBA(image.Rect(0, 0, 3, 2))))
	media, _, err := c.Resources.Upload(ctx, jmessage.MediaImage, "dot.png", &pic)
	must(err)
	fmt.Printf("uploaded a %d×%d %s\n", media.Image.Width, media.Image.Height, media.Image.Format)

	// …and send what the upload answered as the message body.
	_, _, err = c.Messages.Send(ctx, jmessage.Message{
		From: jmessage.FromUser("alice"),
		To:   jmessage.ToUser("bob01"),
		Body: media.Image,
	})
	must(err)
	m := srv.Messages()[0]
	fmt.Println(m.MsgType, "message from", m.FromID, "to", m.TargetID)
	// Output:
	// uploaded a 3×2 png
	// image message from alice to bob01
}

func ExampleResourcesService_DownloadURL() {
	srv, c := fake()
	defer srv.Close()
	ctx := context.Background()

	media, _, err := c.Resources.Upload(ctx, jmessage.MediaFile, "notes.txt", strings.NewReader("meeting at noon"))
	must(err)
	fmt.Println("uploaded", media.File.FName, media.File.FSize, "bytes")

	// The answer is a temporary URL, not the bytes: fetch it without
	// credentials (the fake serves its own download URLs).
	url, _, err := c.Resources.DownloadURL(ctx, media.MediaID())
	must(err)
	client := &http.Client{Transport: &http.Transport{}}
	defer client.CloseIdleConnections()
	resp, err := client.Get(url)
	must(err)
	defer resp.Body.Close()
	content, err := io.ReadAll(resp.Body)
	must(err)
	fmt.Println(resp.StatusCode, string(content))
	// Output:
	// uploaded notes.txt 15 bytes
	// 200 meeting at noon
}

func ExampleMessagesService_Retract() {
	srv, c := fake()
	defer srv.Close()
	ctx := context.Background()
	users(c, "alice", "bob01")

	sent, _, err := c.Messages.Send(ctx, jmessage.Message{From: jmessage.FromUser("alice"), To: jmessage.ToUser("bob01"),
		Body: jmessage.Text{Text: "oops"}})
	must(err)
	_, err = c.Messages.Retract(ctx, "alice", sent.MsgID)
	must(err)
	fmt.Println("retracted:", srv.Messages()[0].Retracted)

	_, err = c.Messages.Retract(ctx, "alice", sent.MsgID)
	fmt.Println("twice:", errors.Is(err, jmessage.ErrAlreadyRetracted))
	// Output:
	// retracted: true
	// twice: true
}

func ExampleGroupsService_Create() {
	srv, c := fake()
	defer srv.Close()
	ctx := context.Background()
	users(c, "alice", "bob01", "carol", "dave1")

	group, _, err := c.Groups.Create(ctx, jmessage.NewGroup{OwnerUsername: "alice", Name: "Hiking", Members: []string{"bob01"}})
	must(err)
	fmt.Println("created", group.Name, "owned by", group.OwnerUsername)

	_, err = c.Groups.AddMembers(ctx, group.GID, []string{"carol", "dave1"})
	must(err)
	members, _, err := c.Groups.Members(ctx, group.GID)
	must(err)
	for _, m := range members {
		fmt.Println(m.Username, m.Role == jmessage.GroupOwnerRole)
	}

	// Adding a member twice is an error of its own.
	_, err = c.Groups.AddMembers(ctx, group.GID, []string{"bob01"})
	fmt.Println("bob01 again:", errors.Is(err, jmessage.ErrUserInGroup))
	// Output:
	// created Hiking owned by alice
	// alice true
	// bob01 false
	// carol false
	// dave1 false
	// bob01 again: true
}

func ExampleGroupsService_All() {
	srv, c := fake()
	defer srv.Close()
	ctx := context.Background()
	users(c, "alice")
	for _, name := range []string{"one", "two", "three"} {
		_, _, err := c.Groups.Create(ctx, jmessage.NewGroup{OwnerUsername: "alice", Name: name})
		must(err)
	}

	// All fetches pages of Count groups as the loop goes.
	for g, err := range c.Groups.All(ctx, jmessage.ListOptions{Count: 2}) {
		must(err)
		fmt.Println(g.Name)
	}
	// Output:
	// one
	// two
	// three
}

func ExampleFriendsService_Add() {
	srv, c := fake()
	defer srv.Close()
	ctx := context.Background()
	users(c, "alice", "bob01", "carol")

	_, err := c.Friends.Add(ctx, "alice", []string{"bob01", "carol"})
	must(err)
	_, err = c.Friends.UpdateNotes(ctx, "alice", []jmessage.FriendNote{{Username: "bob01", NoteName: jmessage.Ptr("Bobby"), Others: jmessage.Ptr("met hiking")}})
	must(err)

	friends, _, err := c.Friends.List(ctx, "alice")
	must(err)
	for _, f := range friends {
		fmt.Printf("%s %q %q\n", f.Username, f.NoteName, f.Others)
	}

	_, err = c.Friends.Add(ctx, "bob01", []string{"alice"})
	fmt.Println("friendship is mutual:", errors.Is(err, jmessage.ErrAlreadyFriends))
	// Output:
	// bob01 "Bobby" "met hiking"
	// carol "" ""
	// friendship is mutual: true
}

func ExampleChatroomsService_Create() {
	srv, c := fake()
	defer srv.Close()
	ctx := context.Background()
	users(c, "alice", "bob01", "carol")

	id, _, err := c.Chatrooms.Create(ctx, jmessage.NewChatroom{OwnerUsername: "alice", Name: "Lobby", Description: "say hi"})
	must(err)
	_, err = c.Chatrooms.AddMembers(ctx, id, []string{"bob01", "carol"})
	must(err)
	_, err = c.Chatrooms.SetMemberMuted(ctx, id, "carol", true)
	must(err)

	room, _, err := c.Chatrooms.Get(ctx, id)
	must(err)
	fmt.Println(room.Name, "has", room.TotalMemberCount, "members")
	for m, err := range c.Chatrooms.AllMembers(ctx, id, jmessage.ListOptions{}) {
		must(err)
		fmt.Println(m.Username, "muted:", m.Muted)
	}

	// A muted member cannot speak.
	_, _, err = c.Messages.Send(ctx, jmessage.Message{From: jmessage.FromUser("carol"), To: jmessage.ToChatroom(id),
		Body: jmessage.Text{Text: "hello?"}})
	fmt.Println("carol speaks:", errors.Is(err, jmessage.ErrSendForbidden))
	// Output:
	// Lobby has 3 members
	// alice muted: false
	// bob01 muted: false
	// carol muted: true
	// carol speaks: true
}

func ExampleSensitiveWordsService_Add() {
	srv, c := fake()
	defer srv.Close()
	ctx := context.Background()
	users(c, "alice", "bob01")

	_, err := c.SensitiveWords.Add(ctx, []string{"darn", "heck"})
	must(err)
	page, _, err := c.SensitiveWords.List(ctx, jmessage.ListOptions{})
	must(err)
	for _, w := range page.Items {
		fmt.Println("word:", w.Word)
	}

	// With the filter on, delivered text has the words masked.
	_, _, err = c.Messages.Send(ctx, jmessage.Message{From: jmessage.FromUser("alice"), To: jmessage.ToUser("bob01"),
		Body: jmessage.Text{Text: "darn it"}})
	must(err)
	fmt.Println(string(srv.Messages()[0].Body))

	_, err = c.SensitiveWords.SetEnabled(ctx, false)
	must(err)
	on, _, err := c.SensitiveWords.Enabled(ctx)
	must(err)
	fmt.Println("filter on:", on)
	// Output:
	// word: darn
	// word: heck
	// {"text":"**** it"}
	// filter on: false
}

func ExampleConfigService_SetSDKRegister() {
	srv, c := fake()
	defer srv.Close()
	ctx := context.Background()

	open, _, err := c.Config.SDKRegister(ctx)
	must(err)
	fmt.Println("SDK registration open:", open)

	_, err = c.Config.SetSDKRegister(ctx, false)
	must(err)
	open, _, err = c.Config.SDKRegister(ctx)
	must(err)
	fmt.Println("SDK registration open:", open)
	// Output:
	// SDK registration open: true
	// SDK registration open: false
}

func ExampleCrossService_UpdateGroupMembers() {
	const partnerKey = "partnerapp00000000000002" // another app the server knows
	srv, c := fake(partnerKey, "partner-secret")
	defer srv.Close()
	ctx := context.Background()
	partner, err := srv.AppByKey(partnerKey).NewClient()
	must(err)
	users(c, "alice")
	users(partner, "pat01")

	group, _, err := c.Groups.Create(ctx, jmessage.NewGroup{OwnerUsername: "alice", Name: "Partners"})
	must(err)
	// Each change names the app of its users.
	_, err = c.Cross.UpdateGroupMembers(ctx, group.GID, []jmessage.CrossMemberChanges{
		{AppKey: partnerKey, Add: []string{"pat01"}},
	})
	must(err)

	members, _, err := c.Cross.GroupMembers(ctx, group.GID)
	must(err)
	for _, m := range members {
		fmt.Println(m.Username, m.AppKey)
	}

	// The partner's user sees the group among its groups across apps.
	groups, _, err := partner.Cross.UserGroups(ctx, "pat01")
	must(err)
	fmt.Println(groups[0].Name, groups[0].AppKey == srv.AppKey())
	// Output:
	// alice fakeappkey00000000000001
	// pat01 partnerapp00000000000002
	// Partners true
}

func ExampleCrossService_AddFriends() {
	const partnerKey = "partnerapp00000000000002"
	srv, c := fake(partnerKey, "partner-secret")
	defer srv.Close()
	ctx := context.Background()
	partner, err := srv.AppByKey(partnerKey).NewClient()
	must(err)
	users(c, "alice")
	users(partner, "pat01")

	_, err = c.Cross.AddFriends(ctx, "alice", jmessage.CrossUsernames{AppKey: partnerKey, Usernames: []string{"pat01"}})
	must(err)
	_, err = c.Cross.UpdateFriendNotes(ctx, "alice", []jmessage.CrossFriendNote{
		{AppKey: partnerKey, FriendNote: jmessage.FriendNote{Username: "pat01", NoteName: jmessage.Ptr("Pat")}},
	})
	must(err)
	friends, _, err := c.Friends.List(ctx, "alice")
	must(err)
	fmt.Println(friends[0].Username, friends[0].NoteName, friends[0].AppKey)
	// Output:
	// pat01 Pat partnerapp00000000000002
}

// Client.Do calls an endpoint through the same pipeline as the SDK's own
// methods (authentication, retries, typed errors, logging), here the user
// profile endpoint, decoded into a type of the caller's own.
func ExampleClient_Do() {
	srv, c := fake()
	defer srv.Close()
	users(c, "alice")

	var profile struct {
		Username string `json:"username"`
		Nickname string `json:"nickname"`
	}
	_, err := c.Do(context.Background(), jmessage.RawRequest{Method: http.MethodPut, Path: "/v1/users/alice",
		Body: map[string]string{"nickname": "Alice"}}, nil)
	must(err)
	_, err = c.Do(context.Background(), jmessage.RawRequest{Method: http.MethodGet, Path: "/v1/users/alice"}, &profile)
	must(err)
	fmt.Println(profile.Username, profile.Nickname)

	_, err = c.Do(context.Background(), jmessage.RawRequest{Method: http.MethodGet, Path: "/v1/users/nobody"}, &profile)
	fmt.Println(errors.Is(err, jmessage.ErrUserNotFound))
	// Output:
	// alice Alice
	// true
}
