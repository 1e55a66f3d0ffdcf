package jmessage

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"net/http"
	"time"
)

// historyWindow is the longest window All asks for: a second under
// MaxHistoryRange, since the documentation does not say whether a range of
// exactly 7 days is allowed.
const historyWindow = MaxHistoryRange - time.Second

// historyWindowOverlap is how far each window of All reaches back into the
// one before it, so that a message on the edge is inside one window
// whichever way the server reads the bounds.
const historyWindowOverlap = time.Second

// historyCursorMargin is how long before HistoryCursorTTL All stops
// trusting a cursor it holds and starts the window again instead.
const historyCursorMargin = 10 * time.Second

// All walks scope's messages from q.Begin to q.End, a range of any length,
// and yields each message once, in ascending time. It yields an error once
// and stops; it checks ctx between pages and never prefetches.
//
// It splits the range into windows of at most MaxHistoryRange, reads each
// with List and then Next, and holds one page at a time (q.Count messages,
// MaxHistoryCount when zero), not the range.
//
// Bounds: q.Begin and q.End are sent as given, so the outer bounds are the
// server's (inclusive per the app-wide section of the documentation,
// exclusive per the others). Between two windows, where the documentation's
// contradiction would lose a message on the edge (exclusive) or yield it
// twice (inclusive), each window starts one second before the previous one
// ended, and the messages of the overlap that were already yielded are
// skipped by msgid: a message on an edge is yielded once either way.
//
// Cursors: a cursor lives HistoryCursorTTL. When the consumer holds a page
// so long that the cursor is about to expire, or when the server refuses a
// cursor with a 4xx status other than 401, 403 and 429, All starts the
// window again from its first request and skips, by create_time and msgid,
// the messages it already yielded (the server sorts by send time), so a
// slow consumer still gets every message exactly once. A window that must
// start again without having yielded a message since its last start ends
// the walk with the server's error.
func (s *HistoryService) All(ctx context.Context, scope HistoryScope, q HistoryQuery) iter.Seq2[HistoryMessage, error] {
	return func(yield func(HistoryMessage, error) bool) {
		if ctx == nil {
			yield(HistoryMessage{}, invalid("ctx", "must not be nil"))
			return
		}
		if err := firstError(scope.validate(), q.validate(0)); err != nil {
			yield(HistoryMessage{}, err)
			return
		}
		w := &historyWalk{s: s, scope: scope, count: q.Count, yield: yield, now: time.Now,
			atMark: map[int64]struct{}{}}
		w.run(ctx, q.Begin.Truncate(time.Second), q.End.Truncate(time.Second))
	}
}

// historyWalk is the state of one All: the consumer and what was yielded
// last, no more.
type historyWalk struct {
	s     *HistoryService
	scope HistoryScope
	count int
	yield func(HistoryMessage, error) bool
	now   func() time.Time // the clock cursors are aged by

	// mark is the latest create_time yielded; atMark holds the msgids
	// yielded with that create_time (messages of one second).
	mark   time.Time
	atMark map[int64]struct{}
	// yielded counts the messages yielded, to tell a restart that made
	// progress from one that did not.
	yielded int
}

// run walks the windows of [begin, end].
func (w *historyWalk) run(ctx context.Context, begin, end time.Time) {
	for {
		last := begin.Add(historyWindow)
		if !last.Before(end) {
			w.window(ctx, begin, end)
			return
		}
		if !w.window(ctx, begin, last) {
			return
		}
		begin = last.Add(-historyWindowOverlap)
	}
}

// window walks one window, starting it again when its cursor expires. It
// reports whether the walk goes on.
func (w *historyWalk) window(ctx context.Context, begin, end time.Time) bool {
	q := HistoryQuery{Begin: begin, End: end, Count: w.count}
	for progress := -1; ; progress = w.yielded {
		done, err := w.pages(ctx, q)
		switch {
		case err == nil:
			return done
		case !errors.Is(err, errCursorExpired):
			w.yield(HistoryMessage{}, err)
			return false
		case progress == w.yielded: // started again, and nothing came of it
			w.yield(HistoryMessage{}, err)
			return false
		}
	}
}

// errCursorExpired marks a cursor that expired (or is about to) in the
// middle of a window.
var errCursorExpired = errors.New("jmessage: history cursor expired")

// pages reads q's pages in order, skipping the messages already yielded
// until it passes them. It returns done=false when the consumer stopped,
// and an error matching errCursorExpired when the window must start again.
func (w *historyWalk) pages(ctx context.Context, q HistoryQuery) (bool, error) {
	page, _, err := w.s.List(ctx, w.scope, q)
	replay := true // the pages may start with messages yielded already
	for {
		if err != nil {
			return false, err
		}
		got := w.now()
		for _, m := range page.Messages {
			if replay {
				if m.CreateTime.After(w.mark) {
					replay = false
				} else if w.seen(m) {
					continue
				}
			}
			if !w.emit(m) {
				return false, nil
			}
		}
		if page.Cursor == "" {
			return true, nil
		}
		if err := ctx.Err(); err != nil {
			return false, err
		}
		if w.now().Sub(got) >= HistoryCursorTTL-historyCursorMargin {
			return false, fmt.Errorf("%w: held for %s", errCursorExpired, w.now().Sub(got).Round(time.Second))
		}
		page, _, err = w.s.Next(ctx, w.scope, page.Cursor)
		if refusedCursor(err) {
			return false, fmt.Errorf("%w: %w", errCursorExpired, err)
		}
	}
}

// refusedCursor reports whether err is the server refusing a cursor: a 4xx
// status other than those of authentication and rate limits (the
// documentation names no code for an expired cursor).
func refusedCursor(err error) bool {
	var apiErr *APIError
	if !errors.As(err, &apiErr) {
		return false
	}
	switch s := apiErr.HTTPStatus; s {
	case http.StatusUnauthorized, http.StatusForbidden, http.StatusTooManyRequests:
		return false
	default:
		return s >= 400 && s < 500
	}
}

// seen reports whether m was yielded already: it is older than the mark,
// or of the mark's second and among the ids yielded then.
func (w *historyWalk) seen(m HistoryMessage) bool {
	if m.CreateTime.Before(w.mark) {
		return true
	}
	_, ok := w.atMark[m.MsgID]
	return ok
}

// emit yields m and moves the mark; it reports whether the consumer wants more.
func (w *historyWalk) emit(m HistoryMessage) bool {
	if m.CreateTime.After(w.mark) {
		w.mark = m.CreateTime
		clear(w.atMark)
	}
	if m.CreateTime.Equal(w.mark) {
		w.atMark[m.MsgID] = struct{}{}
	}
	w.yielded++
	return w.yield(m, nil)
}
