// Package jmessage is a typed client for the JMessage (JPush IM) server
// REST API at https://api.im.jpush.cn.
//
// Create one Client per app and share it: it is safe for concurrent use.
//
//	c, err := jmessage.New(appKey, masterSecret, jmessage.WithTimeout(10*time.Second))
//	if err != nil { ... }
//	user, _, err := c.Users.Get(ctx, "alice")
//
// Each API area is a service on the client (c.Users, …). Every method takes
// a context first and returns its typed result, a *Response for every call
// that was sent (its embedded *http.Response nil when no answer arrived),
// and an error.
//
// # Errors
//
// Arguments are checked before anything is sent: a bad one returns a
// *ValidationError naming the field and the rule, wrapping
// ErrInvalidArgument. Errors answered by the server are *APIError values;
// errors.Is matches them against the ErrorCode constants:
//
//	if errors.Is(err, jmessage.ErrUserExists) { ... }
//
// A body that is not the API's JSON (an HTML proxy page, an empty or
// truncated body) is still an *APIError with the HTTP status and a short
// excerpt, and matches ErrMalformedResponse when the status was 2xx (an
// empty 2xx body is success for a call that returns nothing), as does a
// body over 8 MiB whatever the status and a 2xx answer without the id the
// call exists for (a send without msg_id, a create without its id). A
// failure to get a complete answer is a *TransportError, through which
// errors.Is sees context.Canceled and context.DeadlineExceeded; its
// Response carries only Attempts (see Response).
//
// # Retries, timeouts and rate limits
//
// Calls that may safely be repeated are retried, and a message send or any
// other POST that writes reaches the server at most once: RetryPolicy
// states the rules. WithTimeout (DefaultTimeout, 30s) bounds each attempt;
// the context bounds the whole call, attempts and waits included: when it
// ends, the attempt in flight is abandoned, a wait ends at once, and the
// error matches context.Canceled or context.DeadlineExceeded.
// Response.Attempts counts the attempts.
//
// When an answer says the rate-limit window is spent, the client holds new
// calls, from every goroutine, until it resets (see WithoutRateLimitHold).
//
// Client.Do sends a call the SDK has no method for through the same
// pipeline, on either host.
//
// # Paging
//
// Paged lists have a List method returning one Page and an All method
// returning an iterator over every item:
//
//	for u, err := range c.Users.All(ctx, jmessage.ListOptions{}) { ... }
//
// # Message history, statistics and routing
//
// c.History and c.Stats read the report host (DefaultReportBaseURL,
// WithReportBaseURL). HistoryService.All walks the messages of any time
// range, app-wide or of one user, group or chatroom, once each and oldest
// first, across 7-day windows and expiring cursors. Receiver is the
// http.Handler of real-time message routing. Both deliver HistoryMessage,
// whose Body is the same Text, Image, Voice, Custom, File, Location or
// Video used for sending.
//
// # Bulk operations
//
// The API caps each call (500 users per register, 100 per batch delete,
// 3000 chatroom members…). The bulk methods, named after the call they
// repeat (Users.RegisterBulk, Users.DeleteBulk, Groups.AddMembersBulk,
// Chatrooms.AddMembersBulk, Friends.AddBulk, SensitiveWords.AddBulk…), take
// any number of items, send them in calls of at most the cap with bounded
// concurrency (BulkOptions), and return one BulkResult per item, in input
// order, whose Outcome is BulkDone, BulkAlready (the user exists, the
// friend is one already…: an import can be re-run) or BulkFailed with its
// Err. Items refused by validation are reported and the rest still sent;
// every call is safe to repeat, so the client's retry policy retries it on
// 503 and 899030; cancelling the context stops starting new calls, and
// items never sent match ErrNotAttempted. The error is nil when no item
// failed:
//
//	results, err := c.Users.RegisterBulk(ctx, users, jmessage.BulkOptions{
//		Progress: func(done, total int) { log.Printf("%d/%d", done, total) },
//	})
//	for _, r := range results {
//		if r.Outcome == jmessage.BulkFailed { log.Printf("%s: %v", r.Item, r.Err) }
//	}
//
// # Testing
//
// Package jmessagetest is an in-memory JMessage server with real state, the
// real error codes and the exact wire. Code that uses this package can be
// tested offline, deterministically and in parallel:
//
//	srv := jmessagetest.NewServer(t) // closed when the test ends
//	c := srv.Client()                // a *Client pointed at it
//	// ... exercise your code with c, then inspect srv.Messages(),
//	// srv.User(name), srv.Group(gid), or inject faults with srv.FailNext.
//
// The runnable examples of this package run against it.
//
// # Secrets
//
// The master secret travels only in the Authorization header. It never
// appears in errors, logs or fmt output of the client; passwords in request
// bodies are never logged either, and whatever the SDK reports of an
// answer is scrubbed of the secrets the request carried.
package jmessage
