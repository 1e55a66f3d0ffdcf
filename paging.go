package jmessage

import (
	"context"
	"iter"
	"math"
	"net/url"
	"strconv"
)

// ListOptions selects one page of a paged list: Count items from offset
// Start (0-based).
type ListOptions struct {
	// Start is the 0-based offset of the page's first item (start); it
	// must not be negative.
	Start int
	// Count is how many items to ask for (count), from 1 to the endpoint's
	// maximum: 500 for users, admins and groups, 2000 for sensitive words,
	// none documented for chatrooms and their members. Zero asks for the
	// maximum, or DefaultChatroomListCount for chatrooms and their members.
	Count int
}

// pageRule is how a paged list takes its count: at most max items per page
// (math.MaxInt where the API documents no maximum), and def when
// ListOptions.Count is zero.
type pageRule struct{ max, def int }

// capped is the rule of a list with a documented maximum page size, which
// a zero Count asks for.
func capped(maxCount int) pageRule { return pageRule{max: maxCount, def: maxCount} }

// chatroomPages is the rule of the chatroom and chatroom member lists: no
// documented maximum, DefaultChatroomListCount when Count is zero.
func chatroomPages() pageRule { return pageRule{max: math.MaxInt, def: DefaultChatroomListCount} }

// withCount returns o with its Count, or rule's default when it is zero:
// the one place that says what a zero Count means.
func (o ListOptions) withCount(rule pageRule) ListOptions {
	if o.Count == 0 {
		o.Count = rule.def
	}
	return o
}

// query validates the options against rule and encodes them.
func (o ListOptions) query(rule pageRule) (url.Values, error) {
	o = o.withCount(rule)
	if err := validatePage(o.Start, o.Count, rule.max); err != nil {
		return nil, err
	}
	return url.Values{"start": {strconv.Itoa(o.Start)}, "count": {strconv.Itoa(o.Count)}}, nil
}

// Page is one page of a paged list.
type Page[T any] struct {
	// Total is the number of items in the whole list.
	Total int
	// Start is the offset of the first item of this page.
	Start int
	// Count is the number of items in this page.
	Count int
	// Items are the items of this page.
	Items []T
}

// paginate walks every page from opts.Start, calling fetch for each, and
// yields each item. It copies opts, yields an error once and stops, checks
// ctx between pages, and stops on an empty page, at Total, or, when the
// server reports no Total, on a short page. A page shorter than asked for
// does not end the walk while Total says more items follow: some servers cap
// pages silently below the count asked for. It never prefetches. fetch is
// the list method itself (such as UsersService.List); its *Response is not
// kept.
func paginate[T any](ctx context.Context, opts ListOptions, rule pageRule,
	fetch func(context.Context, ListOptions) (*Page[T], *Response, error)) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		o := opts.withCount(rule)
		if ctx == nil { // as every call answers a nil context
			var zero T
			yield(zero, invalid("ctx", "must not be nil"))
			return
		}
		for {
			if err := ctx.Err(); err != nil {
				var zero T
				yield(zero, err)
				return
			}
			page, _, err := fetch(ctx, o)
			if err != nil {
				var zero T
				yield(zero, err)
				return
			}
			for _, item := range page.Items {
				if !yield(item, nil) {
					return
				}
			}
			next := o.Start + len(page.Items)
			switch {
			case next <= o.Start: // empty page: the offset would not advance
				return
			case page.Total > 0 && next >= page.Total:
				return
			case page.Total <= 0 && len(page.Items) < o.Count:
				return
			}
			o.Start = next
		}
	}
}

// listAnswer is a list answer: the paging fields and the page's items,
// which each list answers under one of these keys.
type listAnswer[T any] struct {
	Total  int `json:"total"`
	Start  int `json:"start"`
	Count  int `json:"count"`
	Users  []T `json:"users"` // users, admins, chatroom members
	Groups []T `json:"groups"`
	Words  []T `json:"words"`
	Rooms  []T `json:"rooms"`
}

// listPage fetches the page opts selects of the list r gets, under rule:
// the one decoder of every paged list.
func listPage[T any](ctx context.Context, c *Client, r request, opts ListOptions, rule pageRule) (*Page[T], *Response, error) {
	q, err := opts.query(rule)
	r.query, r.invalid = q, firstError(r.invalid, err)
	out, resp, err := call[listAnswer[T]](ctx, c, r)
	if err != nil {
		return nil, resp, err
	}
	items := out.Users
	for _, other := range [][]T{out.Groups, out.Words, out.Rooms} {
		if items == nil {
			items = other
		}
	}
	return &Page[T]{Total: out.Total, Start: out.Start, Count: out.Count, Items: items}, resp, nil
}
