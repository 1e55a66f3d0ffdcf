package main

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/jmessage-go/jmessage"
	"github.com/jmessage-go/jmessage/internal/fakeserve"
	"github.com/jmessage-go/jmessage/jmessagetest"
)

// The demo data of a --fake server.
const (
	demoAdmin    = "admin"
	demoPassword = "demo-password"
)

// demoUsers are the demo users: the first owns the demo group and chatroom.
func demoUsers() []string { return []string{"alice", "brian", "carol"} }

// fakeCommand serves the fake over HTTP, as cmd/jmessage-fake does.
func (a *app) fakeCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "fake [-addr host:port] [-appkey key] [-secret secret] [-app key:secret]...",
		Short: "Serve the in-memory fake JMessage server over HTTP until interrupted",
		Long: `fake serves the jmessagetest in-memory JMessage server over HTTP, as the
jmessage-fake command does, with its control API under /_fake. It prints the
base URL and the fake's own credentials as shell assignments (the fake's, not
yours: they are made up), then serves until interrupted. The default address
is 127.0.0.1:8080; -addr 127.0.0.1:0 picks a free port.`,
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
	srv, err := jmessagetest.Start()
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
	if err != nil {
		return nil, fmt.Errorf("seeding the fake: %w", err)
	}
	a.note("--fake: an in-process fake server, gone when the command ends, with admin %s, users %s, group %d and chatroom %d",
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
