package jmessage

import (
	"encoding/json"
	"time"
)

// HistoryMessage is a message as JMessage reports it: in message history
// (HistoryService) and in the real-time routing callback (Receiver), which
// deliver the same object. Every key is optional on the wire and unknown
// keys are ignored.
//
// Its JSON form is the wire form, both ways, so that an archive written
// with encoding/json reads back into the same messages.
type HistoryMessage struct {
	// MsgID is the message's id (msgid; the send API calls it msg_id).
	MsgID int64
	// Version is the protocol version (version, 1).
	Version int
	// From is the sender: from_type ("user", "admin", and the protocol also
	// names "robot"), from_id (the username) and from_name.
	From Sender
	// FromAppKey is the sender's app (from_appkey), when the server says.
	FromAppKey string
	// FromPlatform is the platform the sender sent from (from_platform), as
	// the server wrote it: "a" Android, "i" iOS, "j" JS, "w" Windows, "web"…
	// (empty for a message sent through the REST API, whose value the
	// documentation does not give).
	FromPlatform string
	// SetFromName is set_from_name as the server wrote it. Its meaning is
	// not documented; it appears as 1 beside a custom from_name.
	SetFromName int
	// To is the target: target_type, target_id (a username, or a group or
	// chatroom id in decimal), target_appkey and target_name.
	To Target
	// Type is the body's kind (msg_type), possibly one the SDK does not know.
	Type MessageType
	// Body is msg_body decoded by Type: a Text, Image, Voice, Custom, File,
	// Location or Video value (not a pointer). It is nil when Type is not
	// one of those, or when msg_body could not be read as Type says: such
	// a message is still delivered, with RawBody, and is never an error.
	Body MessageBody
	// RawBody is msg_body exactly as received.
	RawBody json.RawMessage
	// CreateTime is when the message was sent (create_time, epoch seconds),
	// in Asia/Shanghai.
	CreateTime time.Time
	// CTime is when the server received the message (msg_ctime, epoch
	// milliseconds), in Asia/Shanghai.
	CTime time.Time
	// Level is msg_level: 0 for a message within the app, 1 for a
	// cross-app message.
	Level int
}

// historyMessageWire is a history message as the server writes it.
type historyMessageWire struct {
	MsgID        flexInt         `json:"msgid"`
	Version      flexInt         `json:"version"`
	TargetType   TargetType      `json:"target_type"`
	TargetID     flexString      `json:"target_id"`
	TargetAppKey string          `json:"target_appkey,omitempty"`
	TargetName   string          `json:"target_name,omitempty"`
	FromType     SenderType      `json:"from_type"`
	FromID       flexString      `json:"from_id"`
	FromName     string          `json:"from_name,omitempty"`
	FromAppKey   string          `json:"from_appkey,omitempty"`
	FromPlatform string          `json:"from_platform,omitempty"`
	SetFromName  flexInt         `json:"set_from_name,omitempty"`
	MsgType      MessageType     `json:"msg_type"`
	MsgBody      json.RawMessage `json:"msg_body,omitempty"`
	CreateTime   flexInt         `json:"create_time,omitempty"`
	MsgCTime     Millis          `json:"msg_ctime,omitzero"`
	MsgLevel     flexInt         `json:"msg_level"`
}

// UnmarshalJSON reads the wire form. The body is decoded by msg_type; an
// unknown msg_type or a body of another shape leaves Body nil, never an
// error.
func (m *HistoryMessage) UnmarshalJSON(b []byte) error {
	var w historyMessageWire
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*m = w.message()
	return nil
}

// message is the HistoryMessage of w.
func (w *historyMessageWire) message() HistoryMessage {
	m := HistoryMessage{
		MsgID: int64(w.MsgID), Version: int(w.Version),
		From:       Sender{Type: w.FromType, Username: string(w.FromID), Name: w.FromName},
		FromAppKey: w.FromAppKey, FromPlatform: w.FromPlatform, SetFromName: int(w.SetFromName),
		To:   Target{Type: w.TargetType, ID: string(w.TargetID), AppKey: w.TargetAppKey, Name: w.TargetName},
		Type: w.MsgType, Body: decodeBody(w.MsgType, w.MsgBody), RawBody: w.MsgBody,
		CTime: w.MsgCTime.Time, Level: int(w.MsgLevel),
	}
	if w.CreateTime != 0 {
		m.CreateTime = time.Unix(int64(w.CreateTime), 0).In(shanghai())
	}
	return m
}

// historyMessages decodes a JSON array of history messages in one pass of
// encoding/json (a []HistoryMessage would decode each message twice: once
// to find its end, once in UnmarshalJSON).
type historyMessages []HistoryMessage

// UnmarshalJSON reads the array.
func (ms *historyMessages) UnmarshalJSON(b []byte) error {
	var ws []historyMessageWire
	if err := json.Unmarshal(b, &ws); err != nil {
		return err
	}
	if ws == nil {
		*ms = nil
		return nil
	}
	out := make([]HistoryMessage, len(ws))
	for i := range ws {
		out[i] = ws[i].message()
	}
	*ms = out
	return nil
}

// MarshalJSON writes the wire form: msg_body is RawBody when set, else
// Body encoded.
func (m HistoryMessage) MarshalJSON() ([]byte, error) {
	body := m.RawBody
	if body == nil && !isNil(m.Body) {
		var err error
		if body, err = json.Marshal(m.Body); err != nil {
			return nil, err
		}
	}
	w := historyMessageWire{
		MsgID: flexInt(m.MsgID), Version: flexInt(m.Version),
		TargetType: m.To.Type, TargetID: flexString(m.To.ID), TargetAppKey: m.To.AppKey, TargetName: m.To.Name,
		FromType: m.From.Type, FromID: flexString(m.From.Username), FromName: m.From.Name,
		FromAppKey: m.FromAppKey, FromPlatform: m.FromPlatform, SetFromName: flexInt(m.SetFromName),
		MsgType: m.Type, MsgBody: body, MsgCTime: Millis{m.CTime}, MsgLevel: flexInt(m.Level),
	}
	if !m.CreateTime.IsZero() {
		w.CreateTime = flexInt(m.CreateTime.Unix())
	}
	return json.Marshal(w)
}

// decodeBody decodes raw as the body of msgType, or returns nil for an
// unknown type or a body of another shape.
func decodeBody(msgType MessageType, raw json.RawMessage) MessageBody {
	switch msgType {
	case MessageText:
		return decodeBodyAs[Text](raw)
	case MessageImage:
		return decodeBodyAs[Image](raw)
	case MessageVoice:
		return decodeBodyAs[Voice](raw)
	case MessageCustom:
		return decodeBodyAs[Custom](raw)
	case MessageFile:
		return decodeBodyAs[File](raw)
	case MessageLocation:
		return decodeBodyAs[Location](raw)
	case MessageVideo:
		return decodeBodyAs[Video](raw)
	}
	return nil
}

func decodeBodyAs[T MessageBody](raw json.RawMessage) MessageBody {
	var v T
	if len(raw) == 0 || string(raw) == "null" || json.Unmarshal(raw, &v) != nil {
		return nil
	}
	return v
}
