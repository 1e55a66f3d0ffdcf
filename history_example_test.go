package jmessage_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/jmessage-go/jmessage"
	"github.com/jmessage-go/jmessage/jmessagetest"
)

// Export a month of the app's history as JSON lines: All splits the month
// into 7-day windows, follows the cursors (starting a window again when a
// cursor expires) and yields each message once, oldest first.
func ExampleHistoryService_All() {
	srv, c := fake()
	defer srv.Close()
	users(c, "alice", "bob01")
	// Messages sent from devices over the last 30 days (one a day).
	for day := 30; day > 0; day-- {
		_, err := srv.Inject(jmessagetest.DeviceMessage{From: "alice", Platform: "i",
			Time: srv.Now().AddDate(0, 0, -day), To: jmessage.ToUser("bob01"),
			Body: jmessage.Text{Text: fmt.Sprintf("day %d", 31-day)}})
		must(err)
	}

	var archive strings.Builder
	enc := json.NewEncoder(&archive)
	month := jmessage.HistoryQuery{Begin: srv.Now().AddDate(0, -1, -1), End: srv.Now()}
	for m, err := range c.History.All(context.Background(), jmessage.AppHistory(), month) {
		must(err)
		must(enc.Encode(m)) // the wire form, which reads back into a HistoryMessage
	}

	lines := bufio.NewScanner(strings.NewReader(archive.String()))
	n := 0
	var first, last jmessage.HistoryMessage
	for lines.Scan() {
		must(json.Unmarshal(lines.Bytes(), &last))
		if n++; n == 1 {
			first = last
		}
	}
	fmt.Println(n, "messages")
	fmt.Println("first:", first.Body.(jmessage.Text).Text, "from", first.From.Username, "on", first.FromPlatform)
	fmt.Println("last:", last.Body.(jmessage.Text).Text)
	// Output:
	// 30 messages
	// first: day 1 from alice on i
	// last: day 30
}

// Receive messages as they are sent: mount a Receiver at the URL
// registered with JMessage for message routing. Here jmessagetest routes
// to it, with the app's credentials, as JMessage does.
func ExampleReceiver() {
	srv, c := fake()
	defer srv.Close()
	users(c, "alice", "bob01")

	rc, err := jmessage.NewReceiver(srv.AppKey(), srv.MasterSecret(),
		func(ctx context.Context, msgs []jmessage.HistoryMessage) error {
			for _, m := range msgs {
				if t, ok := m.Body.(jmessage.Text); ok {
					fmt.Printf("%s to %s: %s\n", m.From.Username, m.To.ID, t.Text)
				}
			}
			return nil // a non-nil error answers 500: the delivery is not taken as done
		})
	must(err)
	mux := http.NewServeMux()
	mux.Handle("POST /jmessage/messages", rc)
	backend := httptest.NewServer(mux)
	defer backend.Close()
	must(srv.SetRouting(backend.URL + "/jmessage/messages"))

	_, _, err = c.Messages.Send(context.Background(), jmessage.Message{From: jmessage.FromUser("alice"),
		To: jmessage.ToUser("bob01"), Body: jmessage.Text{Text: "are we still on for 3pm?"}})
	must(err)
	fmt.Println("delivery status:", srv.Deliveries()[0].Status)
	// Output:
	// alice to bob01: are we still on for 3pm?
	// delivery status: 200
}

// Read one day's user statistics.
func ExampleStatsService_Users() {
	srv, c := fake()
	defer srv.Close()
	users(c, "alice", "bob01")
	today := srv.Now()
	stats, _, err := c.Stats.Users(context.Background(), jmessage.StatsQuery{Start: today, Duration: 1})
	must(err)
	fmt.Println(stats[0].Date == jmessage.NewDate(today.In(jmessage.Shanghai()).Date()), stats[0].Total, stats[0].New)
	// Output:
	// true 2 2
}
