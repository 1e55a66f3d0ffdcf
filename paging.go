package jmessage

import (
	"context"
	"iter"
	"net/url"
	"strconv"
)

// ListOptions selects one page of a paged list: Count items from offset
// Start (0-based). A zero Count asks for the largest page the endpoint
// allows, or DefaultChatroomListCount where the API documents no maximum.
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

// query validates the options against the endpoint's page cap and encodes them.
func (o ListOptions) query(maxCount int) (url.Values, error) {
	if o.Count == 0 {
		o.Count = maxCount
	}
	if err := validatePage(o.Start, o.Count, maxCount); err != nil {
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
func paginate[T any](ctx context.Context, opts ListOptions, maxCount int,
	fetch func(context.Context, ListOptions) (*Page[T], *Response, error)) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		o := opts
		if o.Count == 0 {
			o.Count = maxCount
		}
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

// wirePage is the paging part of a list answer; each list embeds it next
// to its items, whose key differs by endpoint.
type wirePage struct {
	Total int `json:"total"`
	Start int `json:"start"`
	Count int `json:"count"`
}

func pageOf[T any](w wirePage, items []T) *Page[T] {
	return &Page[T]{Total: w.Total, Start: w.Start, Count: w.Count, Items: items}
}
