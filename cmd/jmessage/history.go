package main

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/jmessage-go/jmessage"
)

// shanghai is the API's time zone (China has kept UTC+8 without daylight
// saving since 1991), for times given without a zone.
func shanghai() *time.Location { return time.FixedZone("CST", 8*3600) }

// timeLayouts are the forms a time flag takes; without a zone, Asia/Shanghai.
func timeLayouts() []string {
	return []string{time.RFC3339, time.DateTime, "2006-01-02T15:04:05", "2006-01-02 15:04", "2006-01-02 15", time.DateOnly}
}

// parseTime reads a time flag.
func parseTime(flag, s string) (time.Time, error) {
	for _, layout := range timeLayouts() {
		if t, err := time.ParseInLocation(layout, s, shanghai()); err == nil {
			return t, nil
		}
	}
	return time.Time{}, usagef("--%s %q: want yyyy-mm-dd[ hh:mm[:ss]] (Asia/Shanghai) or RFC 3339", flag, s)
}

// parseSpan reads a duration with a day unit too: 30d, 36h, 90m.
func parseSpan(flag, s string) (time.Duration, error) {
	if days, ok := strings.CutSuffix(s, "d"); ok {
		if n, err := strconv.Atoi(days); err == nil && n > 0 {
			return time.Duration(n) * 24 * time.Hour, nil
		}
	} else if d, err := time.ParseDuration(s); err == nil && d > 0 {
		return d, nil
	}
	return 0, usagef("--%s %q: want a positive duration such as 30d, 36h or 90m", flag, s)
}

type historyFlags struct {
	from, to, last, output string
	user                   string
	group, chatroom        int64
	count                  int
}

func (a *app) historyCommand() *cobra.Command {
	var f historyFlags
	export := &cobra.Command{
		Use:   "export (--from TIME [--to TIME] | --last 30d) [--user NAME | --group GID | --chatroom ID]",
		Short: "Write the message history of any time range as JSON Lines",
		Long: `export writes every message of a time range, of the whole app or of one user,
group or chatroom, one JSON object a line (the message as the report API
gives it), oldest first, to --output or stdout, with progress on stderr.

The range may be of any length: it is read 7 days at a time, each message
written exactly once, also where two windows meet and when a page cursor
expires. The service keeps the last 60 days. A time without a zone is read in
Asia/Shanghai, as the API reads it. A file is written under a temporary name
and renamed when complete, so an interrupted export leaves no partial file.`,
		Example: `  jmessage --fake history export --last 30d -o month.jsonl
  jmessage history export --from 2026-11-01 --to 2026-12-01 --group 10049 -o group.jsonl`,
		Args: exactArgs(0),
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.exportHistory(cmd.Context(), f)
		},
	}
	fl := export.Flags()
	fl.StringVar(&f.from, "from", "", "the range's start")
	fl.StringVar(&f.to, "to", "", "the range's end (default now)")
	fl.StringVar(&f.last, "last", "", "the range ending now (or at --to) of this length, such as 30d or 36h")
	fl.StringVar(&f.user, "user", "", "only the messages this user sent or received")
	fl.Int64Var(&f.group, "group", 0, "only the messages of this group")
	fl.Int64Var(&f.chatroom, "chatroom", 0, "only the messages of this chatroom")
	fl.IntVar(&f.count, "page-size", jmessage.MaxHistoryCount, "messages per page")
	fl.StringVarP(&f.output, "output", "o", "-", "the file to write (- for stdout)")
	export.MarkFlagsOneRequired("from", "last")
	export.MarkFlagsMutuallyExclusive("from", "last")
	export.MarkFlagsMutuallyExclusive("user", "group", "chatroom")
	cmd := parent("history", "Export the message history")
	cmd.AddCommand(export)
	return cmd
}

// historyRange reads the range the flags give.
func (f historyFlags) historyRange(now time.Time) (begin, end time.Time, err error) {
	end = now
	if f.to != "" {
		if end, err = parseTime("to", f.to); err != nil {
			return begin, end, err
		}
	}
	if f.last != "" {
		span, err := parseSpan("last", f.last)
		return end.Add(-span), end, err
	}
	begin, err = parseTime("from", f.from)
	if err == nil && end.Before(begin) {
		err = usagef("--to is before --from")
	}
	return begin, end, err
}

// scope is the history the flags name.
func (f historyFlags) scope() jmessage.HistoryScope {
	switch {
	case f.user != "":
		return jmessage.UserHistory(f.user)
	case f.group != 0:
		return jmessage.GroupHistory(f.group)
	case f.chatroom != 0:
		return jmessage.ChatroomHistory(f.chatroom)
	}
	return jmessage.AppHistory()
}

func (a *app) exportHistory(ctx context.Context, f historyFlags) error {
	begin, end, err := f.historyRange(time.Now())
	if err != nil {
		return err
	}
	c, err := a.api(ctx)
	if err != nil {
		return err
	}
	q := jmessage.HistoryQuery{Begin: begin, End: end, Count: f.count}
	a.note("exporting the history of %s from %s to %s (Asia/Shanghai)", f.scope(), begin.In(shanghai()).Format(time.DateTime), end.In(shanghai()).Format(time.DateTime))
	return writeLines(a, f.output, "exporting messages", "messages", -1, c.History.All(ctx, f.scope(), q))
}

// statsFlags are the flags of the stats commands.
type statsFlags struct {
	start, unit string
	duration    int
}

func (a *app) statsCommand() *cobra.Command {
	cmd := parent("stats", "Print the app's user, group and message statistics")
	for _, kind := range []string{"users", "groups", "messages"} {
		var f statsFlags
		sub := &cobra.Command{
			Use:     kind + " --start TIME [--duration N]",
			Short:   "Print the " + kind + " statistics, one line a step",
			Example: "  jmessage --fake stats " + kind + " --start 2026-11-01 --duration 30",
			Args:    exactArgs(0),
			RunE: func(cmd *cobra.Command, _ []string) error {
				return a.stats(cmd.Context(), kind, f)
			},
		}
		fl := sub.Flags()
		fl.StringVar(&f.start, "start", "", "the first step (required): a day, or for hours yyyy-mm-dd hh, for months yyyy-mm")
		fl.IntVar(&f.duration, "duration", 1, "the number of steps: 1–60 days, 1–24 hours within one day, 1–2 months")
		if kind == "messages" {
			fl.StringVar(&f.unit, "unit", "day", "the step: hour, day or month")
			sub.Use += " [--unit hour|day|month]"
			sub.Example += "\n  jmessage --fake stats messages --unit hour --start \"2026-11-30 00\" --duration 24"
		}
		_ = sub.MarkFlagRequired("start")
		cmd.AddCommand(sub)
	}
	return cmd
}

// query reads the flags into a statistics query.
func (f statsFlags) query() (jmessage.StatsQuery, error) {
	q := jmessage.StatsQuery{Duration: f.duration}
	switch strings.ToLower(f.unit) {
	case "", "day":
		q.Unit = jmessage.UnitDay
	case "hour":
		q.Unit = jmessage.UnitHour
	case "month":
		q.Unit = jmessage.UnitMonth
	default:
		return q, usagef("--unit %q: want hour, day or month", f.unit)
	}
	start, err := parseTime("start", f.start)
	if t, monthErr := time.ParseInLocation("2006-01", f.start, shanghai()); err != nil && monthErr == nil {
		start, err = t, nil
	}
	q.Start = start
	return q, err
}

func (a *app) stats(ctx context.Context, kind string, f statsFlags) error {
	q, err := f.query()
	if err != nil {
		return err
	}
	c, err := a.api(ctx)
	if err != nil {
		return err
	}
	switch kind {
	case "users":
		days, _, err := c.Stats.Users(ctx, q)
		if err != nil {
			return err
		}
		return printTable(a, days, "date\tactive\ttotal\tsenders\tnew", func(d jmessage.UserStats) string {
			return fmt.Sprintf("%s\t%d\t%d\t%d\t%d", d.Date, d.Active, d.Total, d.Senders, d.New)
		})
	case "groups":
		days, _, err := c.Stats.Groups(ctx, q)
		if err != nil {
			return err
		}
		return printTable(a, days, "date\tactive\ttotal\tnew", func(d jmessage.GroupStats) string {
			return fmt.Sprintf("%s\t%d\t%d\t%d", d.Date, d.Active, d.Total, d.New)
		})
	}
	m, _, err := c.Stats.Messages(ctx, q)
	if err != nil {
		return err
	}
	if a.json {
		return json.NewEncoder(a.stdout).Encode(m)
	}
	if err := printTable(a, m.Steps, "time\tgroup\tsingle", func(s jmessage.MessageStatsStep) string {
		return fmt.Sprintf("%s\t%d\t%d", s.Time, s.Group, s.Single)
	}); err != nil {
		return err
	}
	fmt.Fprintf(a.stdout, "by type\ttext\timage\tvoice\tother\ngroup\t%d\t%d\t%d\t%d\nsingle\t%d\t%d\t%d\t%d\n",
		m.Group.Text, m.Group.Image, m.Group.Voice, m.Group.Other, m.Single.Text, m.Single.Image, m.Single.Voice, m.Single.Other)
	return nil
}

// printTable prints rows: one JSON line each with --json, else a header
// and a tab-separated line each.
func printTable[T any](a *app, rows []T, header string, line func(T) string) error {
	if a.json {
		enc := json.NewEncoder(a.stdout)
		for _, r := range rows {
			if err := enc.Encode(r); err != nil {
				return err
			}
		}
		return nil
	}
	fmt.Fprintln(a.stdout, header)
	for _, r := range rows {
		fmt.Fprintln(a.stdout, line(r))
	}
	return nil
}
