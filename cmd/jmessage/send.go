package main

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/jmessage-go/jmessage"
)

type sendFlags struct {
	from            string
	user            string
	group, chatroom int64
}

func (a *app) sendCommand() *cobra.Command {
	var f sendFlags
	cmd := &cobra.Command{
		Use:   "send --from ADMIN (--to-user NAME | --to-group GID | --to-chatroom ID) TEXT...",
		Short: "Send a text message from an admin to a user, a group or a chatroom",
		Long: `send sends TEXT (its arguments joined by spaces; - reads it from stdin) as a
text message from the admin --from to one user, group or chatroom, and prints
the message id and time. A send is never retried after it may have reached the
server, so it is never delivered twice.`,
		Example: `  jmessage --fake send --from admin --to-user alice "Maintenance tonight at 22:00"`,
		Args:    minArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.send(cmd.Context(), f, args)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.from, "from", "", "the admin who sends (required)")
	fl.StringVar(&f.user, "to-user", "", "the username to send to")
	fl.Int64Var(&f.group, "to-group", 0, "the gid of the group to send to")
	fl.Int64Var(&f.chatroom, "to-chatroom", 0, "the id of the chatroom to send to")
	_ = cmd.MarkFlagRequired("from")
	cmd.MarkFlagsOneRequired("to-user", "to-group", "to-chatroom")
	cmd.MarkFlagsMutuallyExclusive("to-user", "to-group", "to-chatroom")
	return cmd
}

func (a *app) send(ctx context.Context, f sendFlags, args []string) error {
	text := strings.Join(args, " ")
	if text == "-" {
		b, err := io.ReadAll(a.stdin)
		if err != nil {
			return err
		}
		text = strings.TrimRight(string(b), "\n")
	}
	var to jmessage.Target
	switch {
	case f.user != "":
		to = jmessage.ToUser(f.user)
	case f.group != 0:
		to = jmessage.ToGroup(f.group)
	default:
		to = jmessage.ToChatroom(f.chatroom)
	}
	c, err := a.api(ctx)
	if err != nil {
		return err
	}
	sent, _, err := c.Messages.Send(ctx, jmessage.Message{From: jmessage.FromAdmin(f.from), To: to, Body: jmessage.Text{Text: text}})
	if err != nil {
		return err
	}
	return a.emit(sent, func(w io.Writer) {
		fmt.Fprintf(w, "sent message %d at %s\n", sent.MsgID, sent.CTime.Time.Format("2006-01-02 15:04:05 -07:00"))
	})
}
