package jmessagetest

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jmessage-go/jmessage"
	"github.com/jmessage-go/jmessage/internal/rules"
)

// RetractWindow is how long after sending a message may be retracted.
const RetractWindow = 3 * time.Minute

func routeMessages(s *Server) {
	s.handlePrepared("POST /v1/messages", http.StatusCreated, prepareSend)
	s.handle("POST /v1/messages/{username}/{msgid}/retract", http.StatusNoContent, retractMessage)
}

// Message is a message the server accepted, as Messages reports it (and
// the control API answers it, with the JSON names below).
type Message struct {
	// ID is the msg_id the server answered.
	ID int64 `json:"msg_id"`
	// CTime is when the server accepted the message, on its clock
	// (Server.Now), to the millisecond: the msg_ctime it answered.
	CTime time.Time `json:"msg_ctime"`
	// FromType is "admin" or "user" (from_type).
	FromType string `json:"from_type"`
	// FromID is the sender's username (from_id).
	FromID string `json:"from_id"`
	// FromName is the sender's display name (from_name), if sent.
	FromName string `json:"from_name,omitempty"`
	// FromPlatform is the platform an injected message was sent from
	// (from_platform in history), "" for a message sent through the API.
	FromPlatform string `json:"from_platform,omitempty"`
	// TargetType is "single", "group" or "chatroom" (target_type).
	TargetType string `json:"target_type"`
	// TargetID is the target's username, or its group or chatroom id in
	// decimal (target_id).
	TargetID string `json:"target_id"`
	// TargetAppKey is the target's app (target_appkey), set for a message
	// to another app.
	TargetAppKey string `json:"target_appkey,omitempty"`
	// TargetName is the target's display name (target_name), if sent.
	TargetName string `json:"target_name,omitempty"`
	// MsgType is "text", "image", "voice", "custom", "file", "location" or
	// "video" (or, for an injected message, any type the test gave).
	MsgType string `json:"msg_type"`
	// Body is msg_body as delivered: with the sensitive-word filter on, the
	// words in a text message's "text" are masked with '*'.
	Body json.RawMessage `json:"msg_body"`
	// NoOffline is no_offline as sent: true asks the server not to store
	// the message for receivers who are offline.
	NoOffline bool `json:"no_offline"`
	// NoNotification is no_notification as sent: true keeps the message
	// out of the notification bar.
	NoNotification bool `json:"no_notification"`
	// NotificationTitle is the notification override's title
	// (notification.title), if sent.
	NotificationTitle string `json:"notification_title,omitempty"`
	// NotificationAlert is the notification override's text
	// (notification.alert), if sent.
	NotificationAlert string `json:"notification_alert,omitempty"`
	// Retracted reports whether the sender retracted the message.
	Retracted bool `json:"retracted"`
}

// Messages returns the messages the app's users and admins sent, in order.
func (a *App) Messages() []Message {
	var out []Message
	a.with(func(st *appState) {
		for _, m := range st.messages {
			mm := *m
			mm.Body = slices.Clone(mm.Body)
			out = append(out, mm)
		}
	})
	return out
}

// sendWire is the body of a send.
type sendWire struct {
	Version        *int            `json:"version"`
	TargetType     string          `json:"target_type"`
	TargetID       string          `json:"target_id"`
	TargetAppKey   string          `json:"target_appkey"`
	TargetName     string          `json:"target_name"`
	FromType       string          `json:"from_type"`
	FromID         string          `json:"from_id"`
	FromName       string          `json:"from_name"`
	MsgType        string          `json:"msg_type"`
	MsgBody        json.RawMessage `json:"msg_body"`
	NoOffline      bool            `json:"no_offline"`
	NoNotification bool            `json:"no_notification"`
	Notification   *struct {
		Title string `json:"title"`
		Alert string `json:"alert"`
	} `json:"notification"`
}

func (w *sendWire) check() error {
	var versionErr, typeErr error
	if w.Version == nil || *w.Version != 1 {
		versionErr = fail(jmessage.ErrInvalidParameter, "version must be 1")
	}
	switch {
	case !slices.Contains([]string{"single", "group", "chatroom"}, w.TargetType):
		typeErr = fail(jmessage.ErrInvalidParameter, "target_type must be single, group or chatroom")
	case !slices.Contains([]string{"admin", "user"}, w.FromType):
		typeErr = fail(jmessage.ErrInvalidParameter, "from_type must be admin or user")
	case typedBodies[w.MsgType] == nil && w.MsgType != "custom":
		typeErr = fail(jmessage.ErrInvalidParameter, "msg_type must be custom or one of %s",
			strings.Join(slices.Sorted(maps.Keys(typedBodies)), ", "))
	case w.TargetID == "":
		typeErr = fail(jmessage.ErrInvalidParameter, "target_id is required")
	}
	var appKeyErr error
	if w.TargetAppKey != "" {
		appKeyErr = checkField("target_appkey", rules.AppKey(w.TargetAppKey))
	}
	var notifErr error
	if n := w.Notification; n != nil {
		notifErr = firstErr(checkField("notification.title", rules.Text(n.Title)),
			checkField("notification.alert", rules.Text(n.Alert)))
	}
	return firstErr(versionErr, typeErr, checkField("from_id", rules.Username(w.FromID)), appKeyErr,
		checkField("from_name", rules.Text(w.FromName)), checkField("target_name", rules.Text(w.TargetName)),
		notifErr, checkBody(w.MsgType, w.MsgBody))
}

// Message bodies by msg_type: every field of the message protocol, the
// required ones as pointers (or strings that must not be empty). Every type
// may carry extras, a JSON object.
type (
	textBody struct {
		Text *string `json:"text"`
		withExtras
	}
	imageBody struct {
		MediaID    string       `json:"media_id"`
		MediaCRC32 *json.Number `json:"media_crc32"`
		Width      *json.Number `json:"width"`
		Height     *json.Number `json:"height"`
		Format     string       `json:"format"`
		FSize      *json.Number `json:"fsize"`
		Hash       string       `json:"hash"`
		ImgLink    string       `json:"img_link"`
		withExtras
	}
	voiceBody struct {
		MediaID    string       `json:"media_id"`
		MediaCRC32 *json.Number `json:"media_crc32"`
		Duration   *json.Number `json:"duration"`
		FSize      *json.Number `json:"fsize"`
		Hash       string       `json:"hash"`
		Format     string       `json:"format"` // what upload answers for voice
		withExtras
	}
	fileBody struct {
		MediaID    string       `json:"media_id"`
		MediaCRC32 *json.Number `json:"media_crc32"`
		FSize      *json.Number `json:"fsize"`
		FName      string       `json:"fname"`
		Hash       string       `json:"hash"`
		withExtras
	}
	locationBody struct {
		Latitude  *json.Number `json:"latitude"`
		Longitude *json.Number `json:"longitude"`
		Scale     *json.Number `json:"scale"`
		Label     string       `json:"label"`
		Lable     string       `json:"lable"` // the protocol's field list spells it so
		withExtras
	}
	videoBody struct {
		Video    *fileBody    `json:"video"`
		Duration *json.Number `json:"duration"`
		Thumb    *imageBody   `json:"thumb"`
		withExtras
	}
)

// withExtras is the extras every body may carry.
type withExtras struct {
	Extras json.RawMessage `json:"extras"`
}

func (w *withExtras) extras() json.RawMessage { return w.Extras }

// typedBody is a decoded message body of a type with required fields.
type typedBody interface {
	// lacks names the required fields the body lacks, nil when none.
	lacks() []string
	extras() json.RawMessage
}

// typedBodies makes an empty body of each msg_type with required fields:
// the send API's text, image and voice and the protocol's file, location
// and video. A send may also carry custom, any object.
var typedBodies = map[string]func() typedBody{
	"text":     func() typedBody { return new(textBody) },
	"image":    func() typedBody { return new(imageBody) },
	"voice":    func() typedBody { return new(voiceBody) },
	"file":     func() typedBody { return new(fileBody) },
	"location": func() typedBody { return new(locationBody) },
	"video":    func() typedBody { return new(videoBody) },
}

// required returns names when missing, else nil.
func required(missing bool, names ...string) []string {
	if missing {
		return names
	}
	return nil
}

func (b *textBody) lacks() []string { return required(b.Text == nil, "text") }

func (b *imageBody) lacks() []string {
	return required(b.missing(), "media_id", "media_crc32", "width", "height", "format", "fsize")
}

func (b *voiceBody) lacks() []string {
	return required(b.MediaID == "" || b.MediaCRC32 == nil || b.Duration == nil || b.FSize == nil,
		"media_id", "media_crc32", "duration", "fsize")
}

func (b *fileBody) lacks() []string {
	return required(b.missing(), "media_id", "media_crc32", "fsize", "fname")
}

func (b *locationBody) lacks() []string {
	return required(b.Latitude == nil || b.Longitude == nil || b.Scale == nil || (b.Label == "" && b.Lable == ""),
		"latitude", "longitude", "scale", "label")
}

func (b *videoBody) lacks() []string {
	return required(b.Video.missing() || b.Duration == nil || (b.Thumb != nil && b.Thumb.missing()),
		"video (media_id, media_crc32, fsize, fname)", "duration")
}

// missing reports whether a required field is absent.
func (b *fileBody) missing() bool {
	return b == nil || b.MediaID == "" || b.MediaCRC32 == nil || b.FSize == nil || b.FName == ""
}

func (b *imageBody) missing() bool {
	return b.MediaID == "" || b.MediaCRC32 == nil || b.Width == nil || b.Height == nil || b.Format == "" || b.FSize == nil
}

// checkBody checks msg_body: a JSON object of at most 4096 bytes, with the
// fields its msg_type requires (custom: any object), and extras, when
// present, an object.
func checkBody(msgType string, raw json.RawMessage) error {
	if err := checkObject("msg_body", raw, rules.MaxMessageBodyBytes); err != nil {
		return err
	}
	newBody, typed := typedBodies[msgType]
	if !typed {
		return nil // custom: any object
	}
	body := newBody()
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(body); err != nil {
		return fail(jmessage.ErrInvalidParameter, "msg_body of a %s message: %v", msgType, err)
	}
	// A text body decoded has no other field than text and extras, which
	// the string limit leaves alone.
	if msgType != "text" {
		if err := checkBodyStrings("msg_body", raw); err != nil {
			return err
		}
	}
	if lacks := body.lacks(); len(lacks) > 0 {
		return fail(jmessage.ErrInvalidParameter, "msg_body of a %s message requires %s", msgType, strings.Join(lacks, ", "))
	}
	if extras := body.extras(); len(extras) > 0 && !bytes.Equal(extras, []byte("null")) {
		return checkObject("msg_body.extras", extras, rules.MaxMessageBodyBytes)
	}
	return nil
}

// checkBodyStrings holds every string of a body (the video's and thumb's
// included, extras and a text's text not) to 250 bytes, the limit of every
// string with none of its own (WIRE-NOTES).
func checkBodyStrings(field string, raw json.RawMessage) error {
	var fields map[string]json.RawMessage
	if json.Unmarshal(raw, &fields) != nil {
		return nil // not an object: the body's own decode says so
	}
	for k, v := range fields {
		var str string
		switch {
		case k == "extras" || k == "text":
		case json.Unmarshal(v, &str) == nil:
			if err := checkField(field+"."+k, rules.Text(str)); err != nil {
				return err
			}
		case len(v) > 0 && v[0] == '{':
			if err := checkBodyStrings(field+"."+k, v); err != nil {
				return err
			}
		}
	}
	return nil
}

// prepareSend decodes and checks a send's body before the lock is taken;
// sendMessage records it under the lock.
func prepareSend(c *call) (handler, error) {
	var in sendWire
	if err := firstErr(c.decode(&in), in.check()); err != nil {
		return nil, err
	}
	body := compact(in.MsgBody)
	return func(c *call) (any, error) { return sendMessage(c, &in, body) }, nil
}

// sendMessage records a message of body. The sender must exist (899002),
// be an admin when from_type is admin, and not be forbidden (899016); a
// single target must exist in its app (899002), a group or chatroom target
// must exist and, unless the sender is an admin, hold the sender, who must
// not be silenced or muted there.
func sendMessage(c *call, in *sendWire, body json.RawMessage) (any, error) {
	sender, err := c.app.user(in.FromID)
	switch {
	case err != nil:
		return nil, err
	case in.FromType == "admin" && !sender.admin:
		return nil, fail(jmessage.ErrSendForbidden, "%s is not an admin", in.FromID)
	case sender.forbidden:
		return nil, fail(jmessage.ErrSendForbidden, "%s is forbidden to send messages", in.FromID)
	}
	target := c.app
	if in.TargetAppKey != "" {
		if target = c.s.app(in.TargetAppKey); target == nil {
			return nil, fail(jmessage.ErrAppKeyNotFound, "appkey %s not exist", in.TargetAppKey)
		}
	}
	if err := checkTarget(target, in.TargetType, in.TargetID, sender); err != nil {
		return nil, err
	}
	now := c.now()
	m := &Message{CTime: now.Truncate(time.Millisecond),
		FromType: in.FromType, FromID: in.FromID, FromName: in.FromName,
		TargetType: in.TargetType, TargetID: in.TargetID, TargetAppKey: in.TargetAppKey, TargetName: in.TargetName,
		MsgType: in.MsgType, Body: c.app.filter(in.MsgType, body),
		NoOffline: in.NoOffline, NoNotification: in.NoNotification}
	if n := in.Notification; n != nil {
		m.NotificationTitle, m.NotificationAlert = n.Title, n.Alert
	}
	c.app.accept(c.s, m, &c.after)
	return sendAnswer{MsgID: m.ID, MsgCTime: now.UnixMilli()}, nil
}

// sendAnswer is the answer of a send.
type sendAnswer struct {
	MsgID    int64 `json:"msg_id"`
	MsgCTime int64 `json:"msg_ctime"` // epoch milliseconds
}

// checkTarget checks that a message's target exists in the target app.
func checkTarget(target *appState, targetType, id string, sender *user) error {
	switch targetType {
	case "single":
		if err := checkField("target_id", rules.Username(id)); err != nil {
			return err
		}
		_, err := target.user(id)
		return err
	case "group":
		return checkPlaceTarget(id, "group", sender, jmessage.ErrUserNotInGroup, func(gid int64) (members, error) {
			g, err := target.group(gid)
			if err != nil {
				return nil, err
			}
			return g.members, nil
		})
	default:
		return checkPlaceTarget(id, "chatroom", sender, jmessage.ErrUserNotInChatroom, func(rid int64) (members, error) {
			r, err := target.chatroom(rid)
			if err != nil {
				return nil, err
			}
			return r.members, nil
		})
	}
}

// checkPlaceTarget checks that sender may send a message to the group or
// chatroom (kind) whose id is target_id: it exists (find's error, 899006 or
// 899081); a user (not an admin) must be a member (notMember: 899014 or
// 899082) and not silenced or muted (899016).
func checkPlaceTarget(id, kind string, sender *user, notMember jmessage.ErrorCode, find func(int64) (members, error)) error {
	n, err := strconv.ParseInt(id, 10, 64)
	if err != nil || n <= 0 {
		return fail(jmessage.ErrInvalidParameter, "target_id must be a %s id", kind)
	}
	ms, err := find(n)
	if err != nil {
		return err
	}
	return ms.checkSender(sender, notMember, fmt.Sprintf("%s %d", kind, n))
}

// filter masks the sensitive words in a text message's text when the
// filter is on.
func (a *appState) filter(msgType string, body json.RawMessage) json.RawMessage {
	if msgType != "text" || !a.wordsOn || len(a.words) == 0 {
		return body
	}
	var fields map[string]json.RawMessage
	var text string
	if json.Unmarshal(body, &fields) != nil || json.Unmarshal(fields["text"], &text) != nil {
		return body
	}
	for _, w := range a.words {
		text = strings.ReplaceAll(text, w.name, strings.Repeat("*", utf8.RuneCountInString(w.name)))
	}
	fields["text"], _ = json.Marshal(text)
	out, err := json.Marshal(fields)
	if err != nil {
		return body
	}
	return out
}

// retractMessage retracts a message of the sender's within RetractWindow:
// 855003 unknown message, 855002 another sender's, 855004 already
// retracted, 855001 too late.
func retractMessage(c *call) (any, error) {
	name, err := c.username()
	if err != nil {
		return nil, err
	}
	id, err := c.pathID("msgid")
	if err != nil {
		return nil, err
	}
	if err := c.noBody(); err != nil {
		return nil, err
	}
	m := c.app.message(id)
	switch {
	case m == nil:
		return nil, fail(jmessage.ErrMessageNotFound, "message %d not exist", id)
	case m.FromID != name:
		return nil, fail(jmessage.ErrRetractNotSender, "%s is not the sender of message %d", name, id)
	case m.Retracted:
		return nil, fail(jmessage.ErrAlreadyRetracted, "message %d already retracted", id)
	case c.now().Sub(m.CTime) > RetractWindow:
		return nil, fail(jmessage.ErrRetractTooLate, "message %d was sent more than 3 minutes ago", id)
	}
	m.Retracted = true
	return nil, nil
}

// message returns the app's message id, or nil: ids ascend in sending
// order, so a binary search finds it.
func (a *appState) message(id int64) *Message {
	i, ok := slices.BinarySearchFunc(a.messages, id, func(m *Message, id int64) int { return cmp.Compare(m.ID, id) })
	if !ok {
		return nil
	}
	return a.messages[i]
}
