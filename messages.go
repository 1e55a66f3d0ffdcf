package jmessage

import (
	"context"
	"encoding/json"
	"math"
	"net/http"
	"strconv"

	"github.com/jmessage-go/jmessage/internal/rules"
)

// MessagesService sends and retracts messages.
type MessagesService service

// TargetType is the kind of a message's target (target_type).
type TargetType string

// Target types.
const (
	TargetSingle   TargetType = "single"   // one user, by username
	TargetGroup    TargetType = "group"    // a group, by group id
	TargetChatroom TargetType = "chatroom" // a chatroom, by room id
)

// SenderType is who a message is sent as (from_type).
type SenderType string

// Sender types.
const (
	SenderAdmin SenderType = "admin" // an app admin (see UsersService.RegisterAdmin)
	SenderUser  SenderType = "user"  // an ordinary user
)

// MessageType is the kind of a message's body (msg_type).
type MessageType string

// Message types. The send API documents text, image, voice and custom; the
// message protocol adds file, location and video, which history and the
// routing callback may carry and which Send does not refuse (whether the
// server accepts them is not documented).
const (
	MessageText     MessageType = "text"
	MessageImage    MessageType = "image"
	MessageVoice    MessageType = "voice"
	MessageCustom   MessageType = "custom"
	MessageFile     MessageType = "file"
	MessageLocation MessageType = "location"
	MessageVideo    MessageType = "video"
)

// Target is who a message goes to. Build one with ToUser, ToGroup or
// ToChatroom.
type Target struct {
	// Type is single, group or chatroom (target_type).
	Type TargetType
	// ID is the username, or the group or chatroom id in decimal
	// (target_id, always sent as a string).
	ID string
	// AppKey is the target's app, for a target in another app
	// (target_appkey, optional).
	AppKey string
	// Name is the target's display name (target_name, optional).
	Name string
}

// ToUser targets one user.
func ToUser(username string) Target { return Target{Type: TargetSingle, ID: username} }

// ToGroup targets a group.
func ToGroup(gid int64) Target { return Target{Type: TargetGroup, ID: strconv.FormatInt(gid, 10)} }

// ToChatroom targets a chatroom.
func ToChatroom(roomID int64) Target {
	return Target{Type: TargetChatroom, ID: strconv.FormatInt(roomID, 10)}
}

// InApp returns t with its target in the app of appKey (a cross-app message).
func (t Target) InApp(appKey string) Target { t.AppKey = appKey; return t }

func (t Target) validate() error {
	var idErr error
	switch t.Type {
	case TargetSingle:
		idErr = validateUsername("target_id", t.ID)
	case TargetGroup, TargetChatroom:
		// Canonical decimal only: ParseInt also takes "+5" and "007",
		// which are not the id as the server writes it.
		if n, err := strconv.ParseInt(t.ID, 10, 64); err != nil || n <= 0 || strconv.FormatInt(n, 10) != t.ID {
			idErr = invalid("target_id", "must be a positive %s id in decimal", t.Type)
		}
	default:
		return validateOneOf("target_type", t.Type, TargetSingle, TargetGroup, TargetChatroom)
	}
	var appKeyErr error
	if t.AppKey != "" {
		appKeyErr = validateAppKey("target_appkey", t.AppKey)
	}
	return firstError(idErr, appKeyErr, validateText("target_name", t.Name))
}

// Sender is who a message is sent as. Build one with FromAdmin or FromUser.
type Sender struct {
	// Type is admin or user (from_type).
	Type SenderType
	// Username is the sender's username (from_id).
	Username string
	// Name is the sender's display name (from_name, optional).
	Name string
}

// FromAdmin sends as the app admin username.
func FromAdmin(username string) Sender { return Sender{Type: SenderAdmin, Username: username} }

// FromUser sends as the user username.
func FromUser(username string) Sender { return Sender{Type: SenderUser, Username: username} }

func (s Sender) validate() error {
	return firstError(
		validateOneOf("from_type", s.Type, SenderAdmin, SenderUser),
		validateUsername("from_id", s.Username),
		validateText("from_name", s.Name),
	)
}

// Notification overrides how a message shows in the notification bar.
type Notification struct {
	// Title is the notification's title (title, at most 250 bytes).
	Title string `json:"title,omitempty"`
	// Alert is the notification's text (alert, at most 250 bytes).
	Alert string `json:"alert,omitempty"`
}

func (n *Notification) validate() error {
	if n == nil {
		return nil
	}
	return firstError(validateText("notification.title", n.Title), validateText("notification.alert", n.Alert))
}

// MessageBody is the content of a message: Text, Image, Voice, Custom,
// File, Location or Video (or a pointer to one); no other type implements
// it. The Image, Voice and File that ResourcesService.Upload returns are
// message bodies as they are (a Voice once Duration is set).
//
// Every body may carry Extras, a JSON object for the receiving app (the
// message protocol allows it on every type); like the rest of the body it
// counts towards the 4096-byte limit, which is the only limit documented
// for it.
type MessageBody interface {
	// MessageType is the msg_type the body is sent as.
	MessageType() MessageType
	// validateBody checks the body's own fields (field names under "msg_body").
	validateBody() error
}

// Text is a text message's body.
type Text struct {
	// Text is the message (required).
	Text string `json:"text"`
	// Extras is custom data for the receiving app (optional).
	Extras map[string]any `json:"extras,omitzero"`
}

// MessageType returns MessageText.
func (Text) MessageType() MessageType { return MessageText }

func (t Text) validateBody() error { return validateRequired("msg_body.text", t.Text) }

// Image is an uploaded image: the answer of ResourcesService.Upload for
// MediaImage, and the body of an image message as it is. It is also a
// video's thumbnail (Video.Thumb).
type Image struct {
	// MediaID is the server's key for the image (media_id, required to
	// send), such as "qiniu/image/F39AA12204DAB6A2".
	MediaID string `json:"media_id"`
	// MediaCRC32 is the file's CRC-32 checksum (media_crc32, required to
	// send: 1 to 4294967295), for checking a download of the full image.
	MediaCRC32 int64 `json:"media_crc32"`
	// Width is the image's original width in pixels (width, required to send).
	Width int `json:"width"`
	// Height is the image's original height in pixels (height, required to
	// send).
	Height int `json:"height"`
	// Format is the image's format, such as "jpg" (format, required to send).
	Format string `json:"format"`
	// FSize is the file's size in bytes (fsize, required to send).
	FSize int64 `json:"fsize"`
	// Hash is the upload's hash of the file, a second check beside
	// MediaCRC32 (hash, optional).
	Hash string `json:"hash,omitempty"`
	// ImgLink is a link to the image (img_link, optional; only the older
	// version of the message protocol has it).
	ImgLink string `json:"img_link,omitempty"`
	// Extras is custom data for the receiving app (optional).
	Extras map[string]any `json:"extras,omitzero"`
}

// MessageType returns MessageImage.
func (Image) MessageType() MessageType { return MessageImage }

func (m Image) validateBody() error { return m.check("msg_body.") }

// check checks the fields an image needs, named under prefix.
func (m Image) check(prefix string) error {
	return firstError(
		validateRequiredText(prefix+"media_id", m.MediaID),
		validateCRC32(prefix+"media_crc32", m.MediaCRC32),
		validateID(prefix+"width", int64(m.Width)),
		validateID(prefix+"height", int64(m.Height)),
		validateRequiredText(prefix+"format", m.Format),
		validateID(prefix+"fsize", m.FSize),
		validateText(prefix+"hash", m.Hash),
		validateText(prefix+"img_link", m.ImgLink),
	)
}

// Voice is an uploaded voice recording: the answer of ResourcesService.Upload
// for MediaVoice, and the body of a voice message once Duration is set (the
// upload answer does not always carry it).
type Voice struct {
	// MediaID is the server's key for the recording (media_id, required to
	// send).
	MediaID string `json:"media_id"`
	// MediaCRC32 is the file's CRC-32 checksum (media_crc32, required to
	// send: 1 to 4294967295).
	MediaCRC32 int64 `json:"media_crc32"`
	// Duration is the recording's length in seconds (required to send).
	Duration int `json:"duration"`
	// Format is the source file's format, such as "m4a" (format, optional).
	Format string `json:"format,omitempty"`
	// FSize is the file's size in bytes (fsize, required to send).
	FSize int64 `json:"fsize"`
	// Hash is the upload's hash of the file, a second check beside
	// MediaCRC32 (hash, optional).
	Hash string `json:"hash,omitempty"`
	// Extras is custom data for the receiving app (optional).
	Extras map[string]any `json:"extras,omitzero"`
}

// MessageType returns MessageVoice.
func (Voice) MessageType() MessageType { return MessageVoice }

func (m Voice) validateBody() error {
	return firstError(
		validateRequiredText("msg_body.media_id", m.MediaID),
		validateCRC32("msg_body.media_crc32", m.MediaCRC32),
		validateID("msg_body.duration", int64(m.Duration)),
		validateText("msg_body.format", m.Format),
		validateID("msg_body.fsize", m.FSize),
		validateText("msg_body.hash", m.Hash),
	)
}

// MessageType returns MessageFile: an uploaded File is the body of a file
// message as it is.
func (File) MessageType() MessageType { return MessageFile }

func (f File) validateBody() error { return f.check("msg_body.") }

// check checks the fields a file needs, named under prefix.
func (f File) check(prefix string) error {
	return firstError(
		validateRequiredText(prefix+"media_id", f.MediaID),
		validateCRC32(prefix+"media_crc32", f.MediaCRC32),
		validateID(prefix+"fsize", f.FSize),
		validateRequiredText(prefix+"fname", f.FName),
		validateText(prefix+"hash", f.Hash),
	)
}

// Location is a location message's body.
type Location struct {
	// Latitude is the place's latitude (latitude).
	Latitude float64 `json:"latitude"`
	// Longitude is the place's longitude (longitude).
	Longitude float64 `json:"longitude"`
	// Scale is the map's zoom scale (scale).
	Scale float64 `json:"scale"`
	// Label describes the place (label, required to send). The protocol's
	// field list spells the key "lable", its example "label": a body is
	// sent with "label" and read from either.
	Label string `json:"label"`
	// Extras is custom data for the receiving app (optional).
	Extras map[string]any `json:"extras,omitzero"`
}

// MessageType returns MessageLocation.
func (Location) MessageType() MessageType { return MessageLocation }

func (l Location) validateBody() error { return validateRequiredText("msg_body.label", l.Label) }

// UnmarshalJSON reads the label from "label", or from "lable" when "label"
// is absent.
func (l *Location) UnmarshalJSON(b []byte) error {
	type plain Location
	var w struct {
		plain
		Lable *string `json:"lable"`
	}
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*l = Location(w.plain)
	if l.Label == "" && w.Lable != nil {
		l.Label = *w.Lable
	}
	return nil
}

// Video is a video message's body.
type Video struct {
	// Video is the uploaded video file (video, required to send: its
	// media_id, media_crc32, fsize and fname).
	Video File `json:"video"`
	// Duration is the video's length (duration, required to send; the
	// protocol does not state the unit, probably seconds).
	Duration int `json:"duration"`
	// Thumb is the video's thumbnail (thumb, optional: its media_id,
	// media_crc32, format, width, height and fsize).
	Thumb *Image `json:"thumb,omitempty"`
	// Extras is custom data for the receiving app (optional).
	Extras map[string]any `json:"extras,omitzero"`
}

// MessageType returns MessageVideo.
func (Video) MessageType() MessageType { return MessageVideo }

func (v Video) validateBody() error {
	var thumbErr error
	if v.Thumb != nil {
		thumbErr = v.Thumb.check("msg_body.thumb.")
	}
	return firstError(v.Video.check("msg_body.video."), validateID("msg_body.duration", int64(v.Duration)), thumbErr)
}

// Custom is a custom message's body: any JSON object, which the server
// passes on unchecked.
type Custom map[string]any

// MessageType returns MessageCustom.
func (Custom) MessageType() MessageType { return MessageCustom }

func (c Custom) validateBody() error {
	if c == nil {
		return invalid("msg_body", "must be a JSON object, not null")
	}
	return nil
}

// validateCRC32: a CRC-32 checksum, required: 1 to 4294967295 (a zero
// checksum is one the caller did not set).
func validateCRC32(field string, v int64) error {
	if v <= 0 || v > math.MaxUint32 {
		return invalid(field, "must be a CRC-32 checksum from 1 to 4294967295")
	}
	return nil
}

// Message is a message to send. From, To and Body are required. It has
// no JSON form of its own: Send writes the wire form, and a message read
// back (history, the routing callback) is a HistoryMessage.
//
//	msg := jmessage.Message{From: jmessage.FromAdmin("admin"), To: jmessage.ToUser("alice"), Body: jmessage.Text{Text: "Hi"}}
type Message struct {
	// From is the sender (from_type, from_id, from_name).
	From Sender
	// To is the target (target_type, target_id, target_appkey, target_name).
	To Target
	// Body is the content (msg_type and msg_body): Text, Image, Voice,
	// Custom, File, Location or Video; at most 4096 bytes encoded as JSON.
	Body MessageBody
	// NoOffline drops the message for receivers who are offline instead of
	// storing it (no_offline).
	NoOffline bool
	// NoNotification keeps the message out of the notification bar
	// (no_notification).
	NoNotification bool
	// Notification overrides the notification's title and text (optional).
	Notification *Notification
}

// messageWire is a message as the API reads and writes it.
type messageWire struct {
	Version        int             `json:"version"`
	TargetType     TargetType      `json:"target_type"`
	TargetID       string          `json:"target_id"`
	TargetAppKey   string          `json:"target_appkey,omitempty"`
	TargetName     string          `json:"target_name,omitempty"`
	FromType       SenderType      `json:"from_type"`
	FromID         string          `json:"from_id"`
	FromName       string          `json:"from_name,omitempty"`
	MsgType        MessageType     `json:"msg_type"`
	MsgBody        json.RawMessage `json:"msg_body,omitempty"` // written by MarshalJSON
	NoOffline      bool            `json:"no_offline"`
	NoNotification bool            `json:"no_notification"`
	Notification   *Notification   `json:"notification,omitempty"`
}

// MarshalJSON writes the message with its body as encode made it (with
// json.Marshal: valid and compact), spliced in after the other fields:
// json.Marshal would scan and copy the body once more to compact it.
func (w *messageWire) MarshalJSON() ([]byte, error) {
	type fields messageWire // without this method
	rest := fields(*w)
	rest.MsgBody = nil
	head, err := json.Marshal(&rest)
	if err != nil || len(w.MsgBody) == 0 {
		return head, err
	}
	const member = `,"msg_body":`
	out := make([]byte, 0, len(head)+len(member)+len(w.MsgBody))
	out = append(out, head[:len(head)-1]...) // head ends with its closing brace
	out = append(append(append(out, member...), w.MsgBody...), '}')
	return out, nil
}

// messageVersion is the only message version the API knows.
const messageVersion = 1

// wire is m's wire form around its encoded body.
func (m Message) wire(body json.RawMessage) *messageWire {
	return &messageWire{
		Version: messageVersion, TargetType: m.To.Type, TargetID: m.To.ID, TargetAppKey: m.To.AppKey,
		TargetName: m.To.Name, FromType: m.From.Type, FromID: m.From.Username, FromName: m.From.Name,
		MsgType: m.Body.MessageType(), MsgBody: body, NoOffline: m.NoOffline, NoNotification: m.NoNotification,
		Notification: m.Notification,
	}
}

// encode checks m and returns its wire form. The body is encoded once, both
// to hold it to the 4096-byte limit and to send it.
func (m Message) encode() (*messageWire, error) {
	if err := firstError(m.From.validate(), m.To.validate()); err != nil {
		return nil, err
	}
	if isNil(m.Body) {
		return nil, invalid("msg_body", "is required")
	}
	if err := m.Body.validateBody(); err != nil {
		return nil, err
	}
	body, err := json.Marshal(m.Body)
	if err != nil {
		return nil, invalid("msg_body", "must encode as JSON: %v", err)
	}
	if err := firstError(check("msg_body", rules.Size(len(body), MaxMessageBodyBytes)), m.Notification.validate()); err != nil {
		return nil, err
	}
	return m.wire(body), nil
}

// SendResult identifies a sent message.
type SendResult struct {
	// MsgID is the message's id (larger than int32), for Retract.
	MsgID int64 `json:"msg_id"`
	// CTime is when the server created the message (msg_ctime).
	CTime Millis `json:"msg_ctime"`
}

// UnmarshalJSON reads msg_id from a number or a numeric string.
func (r *SendResult) UnmarshalJSON(b []byte) error {
	var w struct {
		MsgID flexInt `json:"msg_id"`
		CTime Millis  `json:"msg_ctime"`
	}
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*r = SendResult{MsgID: int64(w.MsgID), CTime: w.CTime}
	return nil
}

// Send sends a message of any kind to a user, group or chatroom. The
// message is checked before sending: sender and target, the body's required
// fields, and the 4096-byte limit of the encoded body. A send is never
// retried once it may have reached the server (see RetryPolicy). An answer
// without a msg_id is an error matching ErrMalformedResponse.
//
// POST /v1/messages
func (s *MessagesService) Send(ctx context.Context, msg Message) (*SendResult, *Response, error) {
	wire, err := msg.encode()
	return callRequiring(ctx, s.client, request{method: http.MethodPost, path: "/v1/messages", body: wire, invalid: err},
		"msg_id", func(r *SendResult) bool { return r.MsgID != 0 })
}

// Retract withdraws a message within 3 minutes of sending it. sender is
// the username that sent it. The server answers ErrRetractTooLate after 3
// minutes, ErrRetractNotSender, ErrMessageNotFound, or ErrAlreadyRetracted.
//
// POST /v1/messages/{username}/{msgid}/retract
func (s *MessagesService) Retract(ctx context.Context, sender string, msgID int64) (*Response, error) {
	return s.client.do(ctx, request{method: http.MethodPost,
		path:    pathf("/v1/messages/%s/%s/retract", sender, idSeg(msgID)),
		invalid: firstError(validateUsername("sender", sender), validateID("msgid", msgID))}, nil)
}
