package jmessage

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

// HistoryService reads the message history of the last 60 days, on the
// report host (DefaultReportBaseURL, WithReportBaseURL): the whole app's,
// or one user's, group's or chatroom's. List reads a first page, Next the
// pages after it, and All walks any time range to its end.
//
// The documentation does not say in which time zone begin_time and
// end_time are read; the SDK sends them in Asia/Shanghai, as it reads every
// time of the API. It also contradicts itself on the bounds: the app-wide
// section says begin_time and end_time are inclusive, the user, group and
// chatroom sections say exclusive. List and Next send what they are given
// and leave the bounds to the server; All takes care of them between its
// windows (see All).
type HistoryService service

// HistoryScope is whose messages a history call reads. The zero value is
// the whole app's (AppHistory).
type HistoryScope struct {
	path  string // relative to the report host: "/users/%s/messages"…; "" for the app's
	field string // the path value's name, for validation
	user  string // the username of a user's history
	id    int64  // the group or chatroom id
}

// AppHistory is the history of every message of the app (GET /v2/messages).
func AppHistory() HistoryScope { return HistoryScope{} }

// UserHistory is the history of the messages username sent or received
// (GET /v2/users/{username}/messages).
func UserHistory(username string) HistoryScope {
	return HistoryScope{path: "/users/%s/messages", field: "username", user: username}
}

// GroupHistory is the history of the messages of group gid
// (GET /v2/groups/{gid}/messages).
func GroupHistory(gid int64) HistoryScope {
	return HistoryScope{path: "/groups/%s/messages", field: "gid", id: gid}
}

// ChatroomHistory is the history of the messages of chatroom roomID
// (GET /v2/chatrooms/{chatroomid}/messages).
func ChatroomHistory(roomID int64) HistoryScope {
	return HistoryScope{path: "/chatrooms/%s/messages", field: "chatroomid", id: roomID}
}

// String names the scope's path on the report host, such as
// "/groups/10049/messages".
func (s HistoryScope) String() string {
	switch {
	case s.path == "":
		return "/messages"
	case s.field == "username":
		return pathf(s.path, s.user)
	}
	return pathf(s.path, idSeg(s.id))
}

func (s HistoryScope) validate() error {
	switch s.field {
	case "":
		return nil
	case "username":
		return validateUsername(s.field, s.user)
	}
	return validateID(s.field, s.id)
}

// History limits of the report host.
const (
	// MaxHistoryCount is the most messages one history page may hold.
	MaxHistoryCount = 1000
	// MaxHistoryRange is the longest time range of one history request
	// (HistoryService.List); All splits longer ranges.
	MaxHistoryRange = 7 * 24 * time.Hour
	// HistoryCursorTTL is how long a history cursor stays valid.
	HistoryCursorTTL = 120 * time.Second
)

// HistoryQuery is the time range and page size of a history request.
type HistoryQuery struct {
	// Begin and End bound the range (begin_time, end_time; both required,
	// End not before Begin, sent to the second in Asia/Shanghai as
	// "yyyy-MM-dd HH:mm:ss"). For List they are at most MaxHistoryRange
	// apart; All takes any range. Only the last 60 days are kept; what
	// the server answers for older times is not documented.
	Begin, End time.Time
	// Count is the most messages per page (count), 1 to MaxHistoryCount;
	// zero means MaxHistoryCount.
	Count int
}

// validate checks q, its range at most maxRange long (0: any length).
func (q HistoryQuery) validate(maxRange time.Duration) error {
	switch {
	case q.Count < 0 || q.Count > MaxHistoryCount:
		return invalid("count", "must be 1–%d (0 for %d), not %d", MaxHistoryCount, MaxHistoryCount, q.Count)
	case q.Begin.IsZero():
		return invalid("begin_time", "is required")
	case q.End.IsZero():
		return invalid("end_time", "is required")
	case q.End.Before(q.Begin):
		return invalid("end_time", "must not be before begin_time")
	case maxRange > 0 && q.End.Sub(q.Begin) > maxRange:
		return invalid("end_time", "must be at most 7 days after begin_time (All splits longer ranges)")
	}
	return nil
}

// query encodes q's first request (the pipeline sends its spaces as %20).
func (q HistoryQuery) query() url.Values {
	count := q.Count
	if count == 0 {
		count = MaxHistoryCount
	}
	return url.Values{
		"count":      {strconv.Itoa(count)},
		"begin_time": {q.Begin.In(shanghai()).Format(TimeLayout)},
		"end_time":   {q.End.In(shanghai()).Format(TimeLayout)},
	}
}

// HistoryPage is one page of message history.
type HistoryPage struct {
	// Total is the number of messages the query matches (total; the
	// documentation does not define it).
	Total int `json:"total"`
	// Count is the number of messages in this page (count).
	Count int `json:"count"`
	// Cursor reads the next page with Next, for HistoryCursorTTL (cursor).
	// It is empty on the last page.
	Cursor string `json:"cursor"`
	// Messages are the page's messages, oldest first.
	Messages []HistoryMessage `json:"messages"`
}

// UnmarshalJSON reads a page, decoding its messages in one pass.
func (p *HistoryPage) UnmarshalJSON(b []byte) error {
	type plain HistoryPage
	var w struct {
		plain
		Messages historyMessages `json:"messages"`
	}
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*p = HistoryPage(w.plain)
	p.Messages = w.Messages
	return nil
}

// List reads the first page of scope's messages between q.Begin and
// q.End; Next reads the pages after it. The range is at most
// MaxHistoryRange and q.Count at most MaxHistoryCount, checked before
// sending.
//
// GET /v2/messages, /v2/users/{username}/messages,
// /v2/groups/{gid}/messages or /v2/chatrooms/{chatroomid}/messages
// ?count=&begin_time=&end_time=
func (s *HistoryService) List(ctx context.Context, scope HistoryScope, q HistoryQuery) (*HistoryPage, *Response, error) {
	return s.get(ctx, scope, q.query(), firstError(scope.validate(), q.validate(MaxHistoryRange)))
}

// Next reads the page after the one that answered cursor, within
// HistoryCursorTTL of that answer; scope is the one of the first page.
// After that the cursor has expired and the walk must start again with
// List (All does so by itself).
//
// GET /v2/messages?cursor= (or the user's, group's or chatroom's path)
func (s *HistoryService) Next(ctx context.Context, scope HistoryScope, cursor string) (*HistoryPage, *Response, error) {
	return s.get(ctx, scope, url.Values{"cursor": {cursor}},
		firstError(scope.validate(), validateRequired("cursor", cursor)))
}

func (s *HistoryService) get(ctx context.Context, scope HistoryScope, q url.Values, invalidErr error) (*HistoryPage, *Response, error) {
	return call[HistoryPage](ctx, s.client, request{method: http.MethodGet, path: scope.String(), query: q,
		report: true, invalid: invalidErr})
}
