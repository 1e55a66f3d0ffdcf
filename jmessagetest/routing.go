package jmessagetest

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"time"

	"github.com/jmessage-go/jmessage"
)

// routingTimeout bounds one delivery to a routing URL.
const routingTimeout = 10 * time.Second

// Delivery is the outcome of routing one message to the app's routing URL.
type Delivery struct {
	// MsgID is the message's id.
	MsgID int64 `json:"msgid"`
	// URL is where it was POSTed.
	URL string `json:"url"`
	// Status is the receiver's HTTP status, 0 when none came.
	Status int `json:"status"`
	// Err is why no status came (a connection error or the timeout).
	Err string `json:"error,omitempty"`
}

// WithRouting makes the server route every message its primary app
// accepts, as JMessage's real-time message routing does: it POSTs
// {"total":1,"messages":[message]} (the history message object), with
// Content-Type application/json; charset=utf-8 and the app's Basic
// credentials, to rawURL, once the message is stored and before the send
// is answered. App.SetRouting does the same for any app at run time.
func WithRouting(rawURL string) Option {
	return func(o *options) error {
		if err := checkRoutingURL(rawURL); err != nil {
			return err
		}
		o.routing = rawURL
		return nil
	}
}

func checkRoutingURL(rawURL string) error {
	if rawURL == "" {
		return nil
	}
	u, err := url.Parse(rawURL)
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return errors.New("jmessagetest: the routing URL must be an absolute http(s) URL")
	}
	return nil
}

// SetRouting routes every message the app accepts from now on to rawURL
// (see WithRouting); "" turns routing off. Each outcome is kept
// (Deliveries). What the real service does after a failed delivery is not
// documented: the fake does not try again.
func (a *App) SetRouting(rawURL string) error {
	if err := checkRoutingURL(rawURL); err != nil {
		return err
	}
	a.with(func(st *appState) { st.routeURL = rawURL })
	return nil
}

// Deliveries returns the outcome of every message routed for the app, in
// order.
func (a *App) Deliveries() []Delivery {
	var out []Delivery
	a.with(func(st *appState) { out = slices.Clone(st.deliveries) })
	return out
}

// accept stores m as the app's next message (giving it its id) and, when
// the app routes messages, adds its delivery to after, which must run once
// the server's lock is released. It runs with s.mu held.
func (a *appState) accept(s *Server, m *Message, after *[]func()) {
	m.ID = s.st.nextMsgID
	s.st.nextMsgID++
	a.messages = append(a.messages, m)
	if a.routeURL == "" {
		return
	}
	body, err := json.Marshal(map[string]any{"total": 1, "messages": []historyWire{stored{m, a}.wire()}})
	if err != nil {
		return
	}
	to, auth := a.routeURL, "Basic "+base64.StdEncoding.EncodeToString([]byte(a.key+":"+a.secret))
	*after = append(*after, func() {
		d := deliver(to, auth, body)
		d.MsgID = m.ID
		s.mu.Lock()
		a.deliveries = append(a.deliveries, d)
		s.mu.Unlock()
	})
}

// deliver POSTs body to url and reports what came back.
func deliver(to, auth string, body []byte) Delivery {
	d := Delivery{URL: to}
	req, err := http.NewRequest(http.MethodPost, to, bytes.NewReader(body))
	if err != nil {
		d.Err = err.Error()
		return d
	}
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	req.Header.Set("Authorization", auth)
	resp, err := (&http.Client{Timeout: routingTimeout}).Do(req)
	if err != nil {
		d.Err = err.Error()
		return d
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
	_ = resp.Body.Close()
	d.Status = resp.StatusCode
	return d
}

// DeviceMessage is a message a test injects as if a user had sent it from
// a device: it is stored, served by history and routed like a message sent
// through the API.
type DeviceMessage struct {
	// From is the sending user's username (required; the user must exist).
	From string
	// FromName is the sender's display name (optional).
	FromName string
	// Platform is the device's platform, such as "a" (Android), "i" (iOS),
	// "j" (JS), "w" (Windows) or "web" (from_platform).
	Platform string
	// Time is when it was sent (create_time and msg_ctime); zero means the
	// server's Now. A time in the past is served in its place in history.
	Time time.Time
	// To is the target; the user must be allowed to send to it.
	To jmessage.Target
	// Type is msg_type. It may be left empty when Body is a
	// jmessage.MessageBody, and may be a type no document names.
	Type string
	// Body is msg_body: a jmessage.MessageBody, a json.RawMessage or any
	// value that encodes to a JSON object.
	Body any
}

// Inject stores dm as a message of the app and returns it as stored. The
// sender and the target are checked as a send's are, and the body of a
// documented type as a send's is; any other type is taken as it is.
func (a *App) Inject(dm DeviceMessage) (Message, error) {
	m, err := dm.message()
	if err != nil {
		return Message{}, err
	}
	var after []func()
	var out Message
	a.with(func(st *appState) {
		target := st
		if dm.To.AppKey != "" {
			if target = a.s.app(dm.To.AppKey); target == nil {
				err = fmt.Errorf("jmessagetest: Inject: app %s is not known", dm.To.AppKey)
				return
			}
		}
		if m.CTime.IsZero() {
			m.CTime = a.s.Now().Truncate(time.Millisecond)
		}
		if err = checkInjected(st, target, m); err == nil {
			st.accept(a.s, m, &after)
			out = *m
		}
	})
	if err != nil {
		return Message{}, fmt.Errorf("jmessagetest: Inject: %w", err)
	}
	for _, f := range after {
		f()
	}
	return out, nil
}

// message builds the stored form of dm.
func (dm DeviceMessage) message() (*Message, error) {
	msgType := dm.Type
	if b, ok := dm.Body.(jmessage.MessageBody); ok && msgType == "" {
		msgType = string(b.MessageType())
	}
	if msgType == "" {
		return nil, errors.New("jmessagetest: Inject: Type is required unless Body is a jmessage.MessageBody")
	}
	body, err := json.Marshal(dm.Body)
	if err != nil {
		return nil, fmt.Errorf("jmessagetest: Inject: Body: %w", err)
	}
	return &Message{CTime: dm.Time.Truncate(time.Millisecond), FromType: "user", FromID: dm.From, FromName: dm.FromName,
		FromPlatform: dm.Platform, TargetType: string(dm.To.Type), TargetID: dm.To.ID, TargetAppKey: dm.To.AppKey,
		TargetName: dm.To.Name, MsgType: msgType, Body: compact(body)}, nil
}
