package jmessagetest_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"net/http"
	"time"

	"github.com/jmessage-go/jmessage"
	"github.com/jmessage-go/jmessage/jmessagetest"
)

// In a test, jmessagetest.NewServer(t) does what Start does here and
// closes the server when the test ends.
func ExampleStart() {
	srv, err := jmessagetest.Start()
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	c := srv.Client() // a *jmessage.Client of the server's app, pointed at it
	ctx := context.Background()

	_, err = c.Users.Register(ctx, jmessage.NewUser{Username: "alice", Password: "alice-password"})
	if err != nil {
		log.Fatal(err)
	}
	_, err = c.Users.SetPassword(ctx, "alice", "new-password")
	if err != nil {
		log.Fatal(err)
	}

	// The server's state is there to inspect.
	u, ok := srv.User("alice")
	fmt.Println(ok, u.Username, u.Password)
	// Output:
	// true alice new-password
}

// A message may be retracted for 3 minutes: Advance moves the server's
// clock past that without waiting.
func ExampleServer_Advance() {
	srv, err := jmessagetest.Start(jmessagetest.WithClock(func() time.Time {
		return time.Date(2024, time.May, 1, 12, 0, 0, 0, time.UTC)
	}))
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	c := srv.Client()
	ctx := context.Background()
	_, _, err = c.Users.RegisterBatch(ctx, []jmessage.NewUser{{Username: "alice", Password: "password"}, {Username: "bob01", Password: "password"}})
	if err != nil {
		log.Fatal(err)
	}
	sent, _, err := c.Messages.Send(ctx, jmessage.Message{From: jmessage.FromUser("alice"), To: jmessage.ToUser("bob01"),
		Body: jmessage.Text{Text: "oops"}})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("sent at", sent.CTime.UTC().Format(time.TimeOnly))

	srv.Advance(jmessagetest.RetractWindow + time.Second)
	_, err = c.Messages.Retract(ctx, "alice", sent.MsgID)
	fmt.Println("too late:", errors.Is(err, jmessage.ErrRetractTooLate))
	// Output:
	// sent at 12:00:00
	// too late: true
}

// Fault injection shows how code copes with a failing service: here the
// client retries a GET past one 503, and gives up on a 429 asking it to
// wait longer than it accepts.
func ExampleServer_FailNext() {
	srv, err := jmessagetest.Start()
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	c := srv.Client(jmessage.WithRetryPolicy(jmessage.RetryPolicy{MaxAttempts: 3,
		MinBackoff: time.Millisecond, MaxBackoff: 10 * time.Millisecond, MaxRetryAfter: time.Second}))
	ctx := context.Background()
	_, err = c.Users.Register(ctx, jmessage.NewUser{Username: "alice", Password: "password"})
	if err != nil {
		log.Fatal(err)
	}

	srv.FailNext("GET", "/v1/users/alice", 1, http.StatusServiceUnavailable, jmessage.ErrServerBusy)
	_, resp, err := c.Users.Get(ctx, "alice")
	fmt.Println("after a 503:", err == nil, "in", resp.Attempts, "attempts")

	srv.RateLimitNext("GET", "/v1/users/alice", 1, time.Minute)
	_, resp, err = c.Users.Get(ctx, "alice")
	fmt.Println("rate limited:", errors.Is(err, jmessage.ErrRateLimited), "reset in", resp.RateLimit.Reset)
	// Output:
	// after a 503: true in 2 attempts
	// rate limited: true reset in 1m0s
}
