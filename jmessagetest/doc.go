// Package jmessagetest is an in-memory JMessage server for tests, in the
// spirit of pstest and slacktest: code that uses the jmessage SDK can be
// tested offline, deterministically and in parallel, against a server with
// real state, real error codes and the real wire.
//
//	func TestWelcome(t *testing.T) {
//		t.Parallel()
//		srv := jmessagetest.NewServer(t) // closed when the test ends
//		c := srv.Client()                // a *jmessage.Client pointed at srv
//
//		_, err := c.Users.Register(t.Context(), jmessage.NewUser{Username: "alice", Password: "secret"})
//		...
//		u, ok := srv.User("alice") // inspect the server's state
//	}
//
// Every server has its own state, so tests may run in parallel. A server
// knows one or more apps (WithCredentials, WithApp, AddApp), each with its
// own users, groups and messages; Server embeds the primary app's *App, and
// AppByKey returns the others.
//
// The server checks Basic authentication (401 with 899007 when missing,
// 899008 when wrong), validates bodies and queries with the same field
// rules as the SDK (899003), and is strict about the wire: an unknown JSON
// key, a GET with a body, or a JSON body without a JSON Content-Type is a
// 899003. Like the real API it accepts what the vendor clients send: a
// Content-Type of any kind on a bodiless GET, paths with doubled slashes
// or dot segments (/v1//users/alice is /v1/users/alice), served with and
// without a trailing slash, never redirected, and JSON keys in any case
// (the vendor's Java client sends "appKey" for appkey in a group owner
// change, its PHP client in cross-app changes). Every answer is
// JSON; a path the server does not serve is a 404 with the error envelope.
//
// Rate limits are reported as the gateway reports them: every answer
// carries X-Rate-Limit-Quota, X-Rate-Limit-Remaining and
// X-Rate-Limit-Reset (whole seconds until the window closes), counted per
// app in fixed windows of the server's clock (Advance moves them). By
// default the quota is math.MaxInt32 per DefaultRateWindow, never reached
// and never enforced. To test rate-limit handling, opt in to a quota:
//
//	srv := jmessagetest.NewServer(t, jmessagetest.WithRateLimit(100, time.Second))
//	srv.SetRateLimit(5, time.Minute) // or change it on a running server; 0 turns it off
//
// The (n+1)th request of an app in a window is answered 429 with code
// 2002 (jmessage.ErrRateLimited), X-Rate-Limit-Remaining 0 and
// X-Rate-Limit-Reset the seconds left. Windows follow each other from the
// server's start (the first closes one window after New), on its clock.
// The control API sets the quota with PUT /quota?n=&window=.
//
// Groups hold at most GroupCapacity (500) members, the owner included;
// chatrooms ChatroomCapacity. Group and chatroom ids are unique across a
// server's apps. Friendship is mutual, each side keeping its own note. A
// user sends to a group or chatroom only as a member, not silenced or
// muted; an admin sends to any of its app's. Cross-app
// operations reach the users and groups of every app the server knows (an
// unknown app key is a 899009); a member of another app sends to a group or
// chatroom with target_appkey naming the group's app. Members, friends and
// list entries refer to users, not names: a deleted user drops out of
// them, and a deleted owner hands the group to its longest-standing member.
//
// Tests arrange and inspect state through App (User, Group, GroupIDs,
// Chatroom, SetDevices, Messages, Media…), control time with WithClock and Advance (a message may be
// retracted for 3 minutes), and inject faults: FailNext answers an error
// with one of the SDK's codes
// (srv.FailNext(http.MethodPost, "/v1/messages", 1, 503, jmessage.ErrServerBusy)),
// RateLimitNext answers 429 with rate-limit headers, SetLatency delays
// answers, InjectFault combines them. Reset forgets all state. A request
// takes no lock for faults when none is armed.
//
// Every message the server accepts is kept and served by the report host's
// history and statistics paths under ReportPrefix (/v2), with real paging
// and cursors that expire after HistoryCursorTTL of the server's clock;
// the app-wide history reads its bounds as inclusive, the others as
// exclusive, as the vendor's sections say. The deprecated v1 history
// (ReportV1Prefix), which the vendor's PHP client still calls, is served
// too. Inject adds a message as if a user sent it from a device (platform,
// time). WithRouting and SetRouting POST each accepted message, with the
// app's credentials, to a receiver (such as jmessage.Receiver) before the
// send is answered; Deliveries tells what it answered.
//
// Error codes are the SDK's constants (jmessage.ErrorCode): where the REST
// document names a code for a situation the server answers it, otherwise
// the official code table's. Where two are plausible it answers:
//
//   - no-disturb: the table's 899043–899050 (user already set 899043, not
//     set 899044, group does not exist 899045, user not in the group
//     899046, group already set 899047, global already on 899048, group not
//     set 899049, global already off 899050). The REST document names
//     899051 for an unknown group; jmessage.ErrNoDisturbGroupNotFound
//     matches both.
//   - group shield: the REST document's 899052/899053 (the table's
//     842003/843001 match the same sentinels); an unknown group 899006, a
//     group without the user 899014.
//   - chatroom members: a member added again 851003, listed twice 851001,
//     more than the room's places 851006, removing a non-member 899082;
//     deleting an unknown room 850001, a new owner not in the room 853002,
//     any other unknown room 899081.
//   - sending: a forbidden, silenced (group) or muted (chatroom) sender
//     899016, the REST document's code for a sender that may not send (the
//     table's 803012 and 847002 match jmessage.ErrSendForbidden too); a user
//     not in the target group 899014, not in the room 899082.
//   - a full sensitive-word quota, an unknown word or media id: 899003 (no
//     documented code of their own).
//
// The HTTP statuses of errors are not documented beyond 401: the server
// answers 401 for authentication, 403 for permission, 404 for a missing
// user, group, chatroom or message, 429 for rate limits and 400 for the rest.
//
// For other languages, cmd/jmessage-fake serves the same fake over HTTP,
// with ControlHandler (reset, clock, inspection, faults as HTTP calls)
// under /_fake.
package jmessagetest
