package jmessagetest

import (
	"cmp"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"time"

	"github.com/jmessage-go/jmessage"
	"github.com/jmessage-go/jmessage/internal/rules"
)

// History limits of the report host (REPORT-V2.md).
const (
	// HistoryCursorTTL is how long, on the server's clock, a history cursor
	// stays valid; after it the server refuses it with a 400 (899003).
	HistoryCursorTTL = 120 * time.Second
	maxHistoryCount  = 1000
	maxHistoryRange  = 7 * 24 * time.Hour
)

func routeHistory(s *Server) {
	// The app's and a user's history, in v2 and the deprecated v1.
	for prefix, read := range map[string]func(*call, appScope) (any, error){
		ReportPrefix: (*call).history, ReportV1Prefix: (*call).historyV1,
	} {
		s.handle("GET "+prefix+"/messages", http.StatusOK, func(c *call) (any, error) {
			return read(c, appScope{})
		})
		s.handle("GET "+prefix+"/users/{username}/messages", http.StatusOK, func(c *call) (any, error) {
			name, err := c.username()
			if err != nil {
				return nil, err
			}
			return read(c, appScope{user: name})
		})
	}
	s.handle("GET "+ReportPrefix+"/groups/{gid}/messages", http.StatusOK, func(c *call) (any, error) {
		return c.historyOf("gid", "group")
	})
	s.handle("GET "+ReportPrefix+"/chatrooms/{chatroomid}/messages", http.StatusOK, func(c *call) (any, error) {
		return c.historyOf("chatroomid", "chatroom")
	})
	s.handleRead("GET "+ReportPrefix+"/statistic/users", http.StatusOK, userStats)
	s.handleRead("GET "+ReportPrefix+"/statistic/groups", http.StatusOK, groupStats)
	s.handleRead("GET "+ReportPrefix+"/statistic/messages", http.StatusOK, messageStats)
}

// appScope is whose messages a history request reads: the app's (zero),
// a user's, or a group's or chatroom's (targetType and id).
type appScope struct {
	user       string
	targetType string
	id         string
}

// historyOf answers the history of the group or chatroom of the path value name.
func (c *call) historyOf(name, targetType string) (any, error) {
	id, err := c.pathID(name)
	if err != nil {
		return nil, err
	}
	return c.history(appScope{targetType: targetType, id: strconv.FormatInt(id, 10)})
}

// historyCursor is a result set being read page by page.
type historyCursor struct {
	app     *appState
	matches []stored
	offset  int
	count   int
	expires time.Time
}

// stored is an accepted message with the app that sent it.
type stored struct {
	*Message
	app *appState
}

// history answers a first request (count, begin_time, end_time) or a
// cursor request. The app-wide history reads the bounds as inclusive, the
// others as exclusive, as the documentation's sections say.
func (c *call) history(scope appScope) (any, error) {
	q := c.r.URL.Query()
	if cur := q.Get("cursor"); cur != "" {
		hc := c.st.cursors[cur]
		if hc == nil || hc.app != c.app || !c.now().Before(hc.expires) {
			delete(c.st.cursors, cur)
			return nil, fail(jmessage.ErrInvalidParameter, "cursor %s expired or unknown", cur)
		}
		delete(c.st.cursors, cur)
		return c.historyPage(hc), nil
	}
	count, begin, end, err := historyQuery(q)
	if err != nil {
		return nil, err
	}
	return c.historyPage(&historyCursor{app: c.app, matches: c.matching(scope, begin, end), count: count}), nil
}

// matching returns the messages of scope between begin and end, by time
// (to the second) and id: inclusive bounds for the app-wide history,
// exclusive for the others.
func (c *call) matching(scope appScope, begin, end time.Time) []stored {
	inclusive := scope == appScope{}
	var matches []stored
	c.eachMessage(func(m stored) {
		t := m.CTime.Truncate(time.Second)
		in := t.After(begin) && t.Before(end)
		if inclusive {
			in = !t.Before(begin) && !t.After(end)
		}
		if in && c.app.concerns(m, scope) {
			matches = append(matches, m)
		}
	})
	slices.SortStableFunc(matches, func(a, b stored) int {
		return cmp.Or(a.CTime.Truncate(time.Second).Compare(b.CTime.Truncate(time.Second)), cmp.Compare(a.ID, b.ID))
	})
	return matches
}

// ReportV1Prefix is where the server serves the deprecated v1 report
// API, which the vendor's PHP client still calls: the app's and a user's
// history, paged by offset (start, count ≤ 1000), between begin_time and
// end_time when given (all the messages when not), with the same bounds
// and message objects as v2. The SDK does not call it.
const ReportV1Prefix = "/v1"

// historyV1 answers a v1 history request.
func (c *call) historyV1(scope appScope) (any, error) {
	start, count, err := c.page(maxHistoryCount)
	if err != nil {
		return nil, err
	}
	begin, err1 := c.timeQuery("begin_time", time.Time{})
	end, err2 := c.timeQuery("end_time", time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC))
	if err := cmp.Or(err1, err2); err != nil {
		return nil, err
	}
	matches := c.matching(scope, begin, end)
	msgs := wires(window(matches, start, count))
	return map[string]any{"total": len(matches), "start": start, "count": len(msgs), "messages": msgs}, nil
}

// timeQuery reads the query parameter name, a yyyy-MM-dd HH:mm:ss time in
// China, or returns otherwise when it is absent.
func (c *call) timeQuery(name string, otherwise time.Time) (time.Time, error) {
	v := c.r.URL.Query().Get(name)
	if v == "" {
		return otherwise, nil
	}
	t, err := time.ParseInLocation(jmessage.TimeLayout, v, jmessage.Shanghai())
	if err != nil {
		return t, fail(jmessage.ErrInvalidParameter, "%s must be yyyy-MM-dd HH:mm:ss", name)
	}
	return t, nil
}

// wires returns the messages as history writes them.
func wires(msgs []stored) []historyWire {
	out := make([]historyWire, len(msgs))
	for i, m := range msgs {
		out[i] = m.wire()
	}
	return out
}

// historyQuery reads and checks a first request's count, begin_time and end_time.
func historyQuery(q url.Values) (count int, begin, end time.Time, err error) {
	count, err = strconv.Atoi(q.Get("count"))
	if err != nil || count < 1 || count > maxHistoryCount {
		return 0, begin, end, fail(jmessage.ErrInvalidParameter, "count must be 1..%d", maxHistoryCount)
	}
	begin, err1 := time.ParseInLocation(jmessage.TimeLayout, q.Get("begin_time"), jmessage.Shanghai())
	end, err2 := time.ParseInLocation(jmessage.TimeLayout, q.Get("end_time"), jmessage.Shanghai())
	switch {
	case err1 != nil || err2 != nil:
		return 0, begin, end, fail(jmessage.ErrInvalidParameter, "begin_time and end_time must be yyyy-MM-dd HH:mm:ss")
	case end.Before(begin) || end.Sub(begin) > maxHistoryRange:
		return 0, begin, end, fail(jmessage.ErrInvalidParameter, "end_time must be within 7 days after begin_time")
	}
	return count, begin, end, nil
}

// eachMessage calls f with every message of every app, in each app's
// sending order.
func (c *call) eachMessage(f func(stored)) {
	for _, a := range c.s.apps.Load().list {
		for _, m := range a.messages {
			f(stored{m, a})
		}
	}
}

// concerns reports whether m belongs to a's history of scope: sent by a's
// users or to a's users, groups or chatrooms.
func (a *appState) concerns(m stored, scope appScope) bool {
	toApp := m.app
	if m.TargetAppKey != "" {
		toApp = nil
		if m.TargetAppKey == a.key {
			toApp = a
		}
	}
	switch {
	case scope.user != "":
		return (m.app == a && m.FromID == scope.user) || (toApp == a && m.TargetType == "single" && m.TargetID == scope.user)
	case scope.targetType != "":
		return toApp == a && m.TargetType == scope.targetType && m.TargetID == scope.id
	}
	return m.app == a || toApp == a
}

// historyPage answers hc's next page, with a new cursor when more follow.
func (c *call) historyPage(hc *historyCursor) map[string]any {
	page := hc.matches[hc.offset:min(hc.offset+hc.count, len(hc.matches))]
	msgs := wires(page)
	out := map[string]any{"total": len(hc.matches), "count": len(msgs), "messages": msgs}
	if next := hc.offset + len(page); next < len(hc.matches) {
		for id, old := range c.st.cursors { // forget the expired ones
			if !c.now().Before(old.expires) {
				delete(c.st.cursors, id)
			}
		}
		id := fmt.Sprintf("%032X", c.st.seq())
		c.st.cursors[id] = &historyCursor{app: hc.app, matches: hc.matches, offset: next, count: hc.count,
			expires: c.now().Add(HistoryCursorTTL)}
		out["cursor"] = id
	}
	return out
}

// historyWire is a message as history and routing write it.
type historyWire struct {
	Version      int     `json:"version"`
	MsgID        int64   `json:"msgid"`
	TargetType   string  `json:"target_type"`
	TargetID     string  `json:"target_id"`
	TargetName   string  `json:"target_name"`
	TargetAppKey string  `json:"target_appkey"`
	FromType     string  `json:"from_type"`
	FromID       string  `json:"from_id"`
	FromName     string  `json:"from_name"`
	FromAppKey   string  `json:"from_appkey"`
	FromPlatform string  `json:"from_platform,omitempty"`
	SetFromName  int     `json:"set_from_name,omitempty"`
	MsgType      string  `json:"msg_type"`
	MsgBody      rawJSON `json:"msg_body"`
	CreateTime   int64   `json:"create_time"`
	MsgCTime     int64   `json:"msg_ctime"`
	MsgLevel     int     `json:"msg_level"`
}

// rawJSON is JSON written as it is.
type rawJSON []byte

// MarshalJSON returns r itself.
func (r rawJSON) MarshalJSON() ([]byte, error) { return r, nil }

func (m stored) wire() historyWire {
	w := historyWire{Version: 1, MsgID: m.ID, TargetType: m.TargetType, TargetID: m.TargetID, TargetName: m.TargetName,
		TargetAppKey: cmp.Or(m.TargetAppKey, m.app.key), FromType: m.FromType, FromID: m.FromID, FromName: m.FromName,
		FromAppKey: m.app.key, FromPlatform: m.FromPlatform, MsgType: m.MsgType, MsgBody: rawJSON(m.Body),
		CreateTime: m.CTime.Unix(), MsgCTime: m.CTime.UnixMilli()}
	if m.FromName != "" {
		w.SetFromName = 1
	}
	if w.TargetAppKey != w.FromAppKey {
		w.MsgLevel = 1
	}
	return w
}

// statsQuery reads time_unit, start and duration and returns the steps'
// starts (one past the last included).
func (c *call) statsQuery(units ...string) (unit string, steps []time.Time, err error) {
	q := c.r.URL.Query()
	unit = q.Get("time_unit")
	layouts := map[string]string{"HOUR": "2006-01-02 15", "DAY": time.DateOnly, "MONTH": "2006-01"}
	caps := map[string]int{"HOUR": 24, "DAY": 60, "MONTH": 2}
	if !slices.Contains(units, unit) {
		return "", nil, fail(jmessage.ErrInvalidParameter, "time_unit must be one of %v", units)
	}
	start, err := time.ParseInLocation(layouts[unit], q.Get("start"), jmessage.Shanghai())
	if err != nil {
		return "", nil, fail(jmessage.ErrInvalidParameter, "start must be %s", layouts[unit])
	}
	// Where the documentation is silent (the least duration, whether
	// hours may cross midnight) the fake takes what the vendor's Java
	// client sends: 0 steps, and up to 24 hours from any start. The SDK
	// checks the stricter reading before sending.
	n, err := strconv.Atoi(q.Get("duration"))
	if err != nil || n < 0 || n > caps[unit] {
		return "", nil, fail(jmessage.ErrInvalidParameter, "duration must be 0..%d", caps[unit])
	}
	for i := range n + 1 {
		switch unit {
		case "HOUR":
			steps = append(steps, start.Add(time.Duration(i)*time.Hour))
		case "DAY":
			steps = append(steps, start.AddDate(0, 0, i))
		default:
			steps = append(steps, start.AddDate(0, i, 0))
		}
	}
	return unit, steps, nil
}

// userStats counts per day: every user registered by its end, those
// registered that day, and those who sent a message that day (the active
// users too: the fake knows no other activity).
func userStats(c *call) (any, error) {
	ctimes := make([]time.Time, 0, len(c.app.users))
	for _, u := range c.app.users {
		ctimes = append(ctimes, u.ctime)
	}
	return c.dailyStats(ctimes, func(m *Message) string { return m.FromID }, func(d dayCount) map[string]any {
		return map[string]any{"active_users": d.active, "total_users": d.total, "send_msg_users": d.active, "new_users": d.created}
	})
}

// groupStats counts per day: every group created by its end, those created
// that day, and those that got a message that day.
func groupStats(c *call) (any, error) {
	ctimes := make([]time.Time, 0, len(c.app.groups))
	for _, g := range c.app.groups {
		ctimes = append(ctimes, g.ctime)
	}
	groupOf := func(m *Message) string {
		if m.TargetType != "group" {
			return ""
		}
		return m.TargetID
	}
	return c.dailyStats(ctimes, groupOf, func(d dayCount) map[string]any {
		return map[string]any{"active_group": d.active, "total_group": d.total, "new_group": d.created}
	})
}

// dayCount is one day of userStats or groupStats: how many users (or
// groups) existed by the day's end, how many were created that day, and how
// many were active in its messages.
type dayCount struct{ total, created, active int }

// dailyStats answers a DAY statistics query: for each day, a dayCount of
// the creation times ctimes and of the distinct non-empty keys of the
// day's messages, written by fields beside its "date".
func (c *call) dailyStats(ctimes []time.Time, key func(*Message) string, fields func(dayCount) map[string]any) (any, error) {
	_, days, err := c.statsQuery("DAY")
	if err != nil {
		return nil, err
	}
	out := make([]map[string]any, 0, len(days)-1)
	for i, day := range days[:len(days)-1] {
		var d dayCount
		for _, t := range ctimes {
			d.total += b2i(t.Before(days[i+1]))
			d.created += b2i(within(t, day, days[i+1]))
		}
		active := map[string]bool{}
		for _, m := range c.app.messages {
			if k := key(m); k != "" && within(m.CTime, day, days[i+1]) {
				active[k] = true
			}
		}
		d.active = len(active)
		row := fields(d)
		row["date"] = day.Format(time.DateOnly)
		out = append(out, row)
	}
	return out, nil
}

// messageStats counts the app's group and one-to-one messages per step,
// and by type over the whole query.
func messageStats(c *call) (any, error) {
	unit, steps, err := c.statsQuery("HOUR", "DAY", "MONTH")
	if err != nil {
		return nil, err
	}
	layout := map[string]string{"HOUR": "2006-01-02 15", "DAY": time.DateOnly, "MONTH": "2006-01"}[unit]
	type counts struct {
		Text  int `json:"txt_msg"`
		Image int `json:"image_msg"`
		Voice int `json:"voice_msg"`
		Other int `json:"other_msg"`
	}
	var group, single counts
	sent := make([]map[string]any, 0, len(steps)-1)
	for i, step := range steps[:len(steps)-1] {
		var g, s int
		for _, m := range c.app.messages {
			if !within(m.CTime, step, steps[i+1]) || (m.TargetType != "group" && m.TargetType != "single") {
				continue
			}
			by := &single
			if m.TargetType == "group" {
				by, g = &group, g+1
			} else {
				s++
			}
			switch m.MsgType {
			case "text":
				by.Text++
			case "image":
				by.Image++
			case "voice":
				by.Voice++
			default:
				by.Other++
			}
		}
		sent = append(sent, map[string]any{"time": step.Format(layout), "group_send_msg": g, "single_send_msg": s})
	}
	return map[string]any{"send_msg_stat": sent, "group_msg_stat": group, "single_msg_stat": single}, nil
}

func within(t, from, to time.Time) bool { return !t.Before(from) && t.Before(to) }

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// checkInjected checks what a test injects: the sender exists, the target
// exists and the sender may send to it, a body of a known type has the
// fields it needs.
func checkInjected(a *appState, target *appState, m *Message) error {
	sender, err := a.user(m.FromID)
	if err != nil {
		return err
	}
	if err := checkTarget(target, m.TargetType, m.TargetID, sender); err != nil {
		return err
	}
	if err := checkObject("msg_body", m.Body, rules.MaxMessageBodyBytes); err != nil {
		return err
	}
	switch m.MsgType {
	case "text", "image", "voice", "custom", "file", "location", "video":
		return checkBody(m.MsgType, m.Body)
	}
	return nil
}
