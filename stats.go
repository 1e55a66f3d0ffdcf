package jmessage

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

// StatsService reads the app's statistics of the last 60 days, on the
// report host (DefaultReportBaseURL, WithReportBaseURL). The documentation
// reserves these endpoints for VIP apps and does not say what others get.
type StatsService service

// TimeUnit is the step of a statistics query (time_unit).
type TimeUnit string

// Time units.
const (
	UnitHour  TimeUnit = "HOUR"  // Messages only
	UnitDay   TimeUnit = "DAY"   // every statistic
	UnitMonth TimeUnit = "MONTH" // Messages only
)

// StatsQuery selects the steps of a statistics query: Duration units from
// Start, Start's included.
type StatsQuery struct {
	// Unit is the step (time_unit): UnitDay (the zero value's meaning) for
	// Users and Groups; UnitHour, UnitDay or UnitMonth for Messages.
	Unit TimeUnit
	// Start is the first step (start, required), read in Asia/Shanghai and
	// sent as "yyyy-MM-dd HH" (hour), "yyyy-MM-dd" (day) or "yyyy-MM"
	// (month).
	Start time.Time
	// Duration is the number of steps (duration): 1 to 60 days, 1 to 2
	// months, or 1 to 24 hours within Start's day (the documentation
	// allows hours "within one day" only).
	Duration int
}

// layout is the format of start for the unit, and steps the most steps
// of one query.
func (u TimeUnit) layout() (layout string, steps int) {
	switch u {
	case UnitHour:
		return "2006-01-02 15", 24
	case UnitMonth:
		return "2006-01", 2
	}
	return dateLayout, 60
}

// query checks q against the units allowed and encodes it.
func (q StatsQuery) query(allowed ...TimeUnit) (url.Values, error) {
	if q.Unit == "" {
		q.Unit = UnitDay
	}
	if err := validateOneOf("time_unit", q.Unit, allowed...); err != nil {
		return nil, err
	}
	if q.Start.IsZero() {
		return nil, invalid("start", "is required")
	}
	start := q.Start.In(shanghai())
	layout, maxN := q.Unit.layout()
	if q.Unit == UnitHour {
		maxN -= start.Hour() // within the day of start
	}
	if q.Duration < 1 || q.Duration > maxN {
		return nil, invalid("duration", "must be 1–%d for %s from %s, not %d",
			maxN, q.Unit, start.Format(layout), q.Duration)
	}
	return url.Values{"time_unit": {string(q.Unit)}, "start": {start.Format(layout)},
		"duration": {strconv.Itoa(q.Duration)}}, nil
}

// UserStats are the user statistics of one day.
type UserStats struct {
	// Date is the day (date).
	Date Date `json:"date"`
	// Active is the number of active users (active_users).
	Active int64 `json:"active_users"`
	// Total is the number of users (total_users).
	Total int64 `json:"total_users"`
	// Senders is the number of users who sent a message (send_msg_users).
	Senders int64 `json:"send_msg_users"`
	// New is the number of newly registered users (new_users).
	New int64 `json:"new_users"`
}

// GroupStats are the group statistics of one day.
type GroupStats struct {
	// Date is the day (date).
	Date Date `json:"date"`
	// Active is the number of active groups (active_group).
	Active int64 `json:"active_group"`
	// Total is the number of groups (total_group).
	Total int64 `json:"total_group"`
	// New is the number of new groups (new_group).
	New int64 `json:"new_group"`
}

// MessageStats are the message statistics of a query.
type MessageStats struct {
	// Steps are the messages sent, one entry per step (send_msg_stat).
	Steps []MessageStatsStep `json:"send_msg_stat"`
	// Group counts the group messages of the whole query by type
	// (group_msg_stat).
	Group MessageCounts `json:"group_msg_stat"`
	// Single counts the one-to-one messages of the whole query by type
	// (single_msg_stat).
	Single MessageCounts `json:"single_msg_stat"`
}

// MessageStatsStep counts the messages sent in one step.
type MessageStatsStep struct {
	// Time is the step as the server writes it (time): "yyyy-MM-dd" for
	// days; the format for hours and months is not documented.
	Time string `json:"time"`
	// Group is the number of group messages sent (group_send_msg).
	Group int64 `json:"group_send_msg"`
	// Single is the number of one-to-one messages sent (single_send_msg).
	Single int64 `json:"single_send_msg"`
}

// MessageCounts counts messages by type.
type MessageCounts struct {
	Text  int64 `json:"txt_msg"`   // text messages (txt_msg)
	Image int64 `json:"image_msg"` // image messages (image_msg)
	Voice int64 `json:"voice_msg"` // voice messages (voice_msg)
	Other int64 `json:"other_msg"` // every other type (other_msg)
}

// Users reads the user statistics of q's days (UnitDay only, 1 to 60).
//
// GET /v2/statistic/users?time_unit=DAY&start=&duration=
func (s *StatsService) Users(ctx context.Context, q StatsQuery) ([]UserStats, *Response, error) {
	query, err := q.query(UnitDay)
	return callSlice[UserStats](ctx, s.client, statsRequest("/statistic/users", query, err))
}

// Groups reads the group statistics of q's days (UnitDay only, 1 to 60).
//
// GET /v2/statistic/groups?time_unit=DAY&start=&duration=
func (s *StatsService) Groups(ctx context.Context, q StatsQuery) ([]GroupStats, *Response, error) {
	query, err := q.query(UnitDay)
	return callSlice[GroupStats](ctx, s.client, statsRequest("/statistic/groups", query, err))
}

// Messages reads the message statistics of q's steps: hours (1 to 24,
// within Start's day), days (1 to 60) or months (1 to 2).
//
// GET /v2/statistic/messages?time_unit=&start=&duration=
func (s *StatsService) Messages(ctx context.Context, q StatsQuery) (*MessageStats, *Response, error) {
	query, err := q.query(UnitHour, UnitDay, UnitMonth)
	return call[MessageStats](ctx, s.client, statsRequest("/statistic/messages", query, err))
}

func statsRequest(path string, query url.Values, invalidErr error) request {
	return request{method: http.MethodGet, path: path, query: query, report: true, invalid: invalidErr}
}
