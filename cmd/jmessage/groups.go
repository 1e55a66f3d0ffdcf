package main

import (
	"context"
	"fmt"
	"io"
	"strconv"

	"github.com/spf13/cobra"

	"github.com/jmessage-go/jmessage"
)

func (a *app) groupsCommand() *cobra.Command {
	var g jmessage.NewGroup
	var public bool
	create := &cobra.Command{
		Use:     "create --owner USERNAME --name NAME [MEMBER...]",
		Short:   "Create a group and print its gid",
		Example: `  jmessage --fake groups create --owner alice --name "Night shift" brian carol`,
		RunE: func(cmd *cobra.Command, members []string) error {
			g.Members = members
			if public {
				g.Type = jmessage.GroupPublic
			}
			return a.createGroup(cmd.Context(), g)
		},
	}
	fl := create.Flags()
	fl.StringVar(&g.OwnerUsername, "owner", "", "the owner's username (required)")
	fl.StringVar(&g.Name, "name", "", "the group's name (required)")
	fl.StringVar(&g.Desc, "desc", "", "the group's description")
	fl.StringVar(&g.Avatar, "avatar", "", "the media id of the group's picture")
	fl.BoolVar(&public, "public", false, "a public group (default private)")
	_ = create.MarkFlagRequired("owner")
	_ = create.MarkFlagRequired("name")
	members := &cobra.Command{
		Use:   "members GID",
		Short: "List a group's members and their roles",
		Args:  exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			gid, err := strconv.ParseInt(args[0], 10, 64)
			if err != nil {
				return usagef("gid %q: want a number", args[0])
			}
			return a.groupMembers(cmd.Context(), gid)
		},
	}
	cmd := parent("groups", "Create groups and list their members")
	cmd.AddCommand(create, members)
	return cmd
}

func (a *app) createGroup(ctx context.Context, g jmessage.NewGroup) error {
	c, err := a.api(ctx)
	if err != nil {
		return err
	}
	group, _, err := c.Groups.Create(ctx, g)
	if err != nil {
		return err
	}
	return a.emit(group, func(w io.Writer) { fmt.Fprintf(w, "created group %q, gid %d\n", group.Name, group.GID) })
}

// memberLine is a group member as groups members --json prints it.
type memberLine struct {
	Username string `json:"username"`
	Nickname string `json:"nickname,omitempty"`
	Role     string `json:"role"`
}

func (a *app) groupMembers(ctx context.Context, gid int64) error {
	c, err := a.api(ctx)
	if err != nil {
		return err
	}
	members, _, err := c.Groups.Members(ctx, gid)
	if err != nil {
		return err
	}
	for _, m := range members {
		line := memberLine{Username: m.Username, Nickname: m.Nickname, Role: "member"}
		if m.Role == jmessage.GroupOwnerRole {
			line.Role = "owner"
		}
		if err := a.emit(line, func(w io.Writer) { fmt.Fprintf(w, "%s\t%s\n", line.Username, line.Role) }); err != nil {
			return err
		}
	}
	return nil
}
