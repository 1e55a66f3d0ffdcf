package jmessage

// GroupsService manages groups: creation, profile, members, owner, shields and silence.
type GroupsService service

// Group is a group as the API returns it.
type Group struct {
	// GID is the group's id, assigned when it was created.
	GID int64 `json:"gid"`
	// OwnerUsername is the group's owner (sent by Create's answer).
	OwnerUsername string `json:"owner_username,omitempty"`
	Name          string `json:"name"`
	Desc          string `json:"desc,omitempty"`
	// Avatar is the media id of the group's picture.
	Avatar string `json:"avatar,omitempty"`
	// AppKey is the app the group belongs to.
	AppKey string `json:"appkey,omitempty"`
	// MaxMemberCount is how many members the group may hold (500 by
	// default). It is decoded from "MaxMemberCount" and "max_member_count".
	MaxMemberCount int `json:"MaxMemberCount,omitempty"`
	// Members are the usernames of the members (in Create's answer only).
	Members []string `json:"members_username,omitempty"`
	MTime   Time     `json:"mtime,omitzero"`
	CTime   Time     `json:"ctime,omitzero"`
}

// UnmarshalJSON decodes a group leniently: the gid as a number or numeric
// string, the owner as a string or a number, and the member cap under
// either spelling.
func (g *Group) UnmarshalJSON(b []byte) error {
	type plain Group
	w := struct {
		*plain
		GID   ID         `json:"gid"`
		Owner flexString `json:"owner_username"`
	}{plain: (*plain)(g)}
	if err := unmarshalWithMemberCap(b, &w, &g.MaxMemberCount); err != nil {
		return err
	}
	g.GID, g.OwnerUsername = int64(w.GID), string(w.Owner)
	return nil
}
