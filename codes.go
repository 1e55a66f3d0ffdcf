package jmessage

import (
	"errors"
	"fmt"
	"strings"
)

//go:generate go run golang.org/x/tools/cmd/stringer@v0.52.0 -type=ErrorCode -linecomment -output=codes_string.go

// ErrorCode is a JMessage error code. The constants below are the codes a
// REST call can answer (the server's code table and the REST document),
// each named by its meaning; errors.Is(err, jmessage.ErrUserExists)
// reports whether err is an *APIError carrying that code.
//
// A general sentinel also matches the codes that mean the same thing in
// another numbering: the 898xxx twin of a 899xxx code (ErrUserExists
// matches 898001 too) and the operation-specific codes below it (for
// instance ErrChatroomNotFound matches ErrChatroomDeleteNotFound, 850001).
// APIError.Code keeps the exact code. The codes of the table that no REST
// operation can answer (SDK login and session, 800xxx–802xxx; group join
// approvals, pass-through commands, join applications, announcements,
// chatroom admins and audio/video, 856xxx–859xxx, 765xxx–787xxx and the
// 7-digit codes) have no constant; like any other code they come back
// as-is in APIError.Code.
type ErrorCode int

// Error describes the code: its number and meaning.
func (c ErrorCode) Error() string {
	for g := c; g != 0; g = g.general() {
		if text := g.String(); !strings.HasPrefix(text, "ErrorCode(") {
			return fmt.Sprintf("jmessage: error %d (%s)", int(c), text)
		}
	}
	return fmt.Sprintf("jmessage: error %d", int(c))
}

// The one table of codes: each constant's line comment is its text
// (ErrorCode.Error, generated into codes_string.go by go generate), and
// general below says which codes a sentinel also matches. The fake server
// jmessagetest answers these constants.
const (
	ErrServerInternal        ErrorCode = 899000 // server internal error
	ErrUserExists            ErrorCode = 899001 // user already exists
	ErrUserNotFound          ErrorCode = 899002 // user does not exist
	ErrInvalidParameter      ErrorCode = 899003 // invalid parameter
	ErrGroupNotFound         ErrorCode = 899006 // group does not exist
	ErrMissingAuth           ErrorCode = 899007 // authentication missing
	ErrAuthFailed            ErrorCode = 899008 // Basic authentication failed
	ErrAppKeyNotFound        ErrorCode = 899009 // appkey does not exist
	ErrUserInGroup           ErrorCode = 899011 // user already in the group
	ErrGroupFull             ErrorCode = 899012 // not enough room in the group
	ErrTooManyUsers          ErrorCode = 899013 // more than 500 users in one register call
	ErrUserNotInGroup        ErrorCode = 899014 // user not in the group
	ErrGroupLimitReached     ErrorCode = 899015 // user reached the number of groups it may join
	ErrSendForbidden         ErrorCode = 899016 // sender may not send the message
	ErrAlreadyBlacklisted    ErrorCode = 899017 // user already in the blacklist
	ErrAdminNotBlacklistable ErrorCode = 899018 // an admin cannot be blacklisted
	ErrNotBlacklisted        ErrorCode = 899019 // user not in the blacklist
	ErrNoCrossAppPermission  ErrorCode = 899020 // no permission for cross-app operations
	ErrCrossAppRequired      ErrorCode = 899021 // the cross-app API must be used
	// ErrServerBusy is retried, whatever the status, for calls that can be
	// repeated.
	ErrServerBusy                ErrorCode = 899030 // server busy, retry later
	ErrNoDisturbUserAlreadySet   ErrorCode = 899043 // no-disturb already set for the user
	ErrNoDisturbUserNotSet       ErrorCode = 899044 // user not in the no-disturb setting
	ErrNoDisturbGroupNotFound    ErrorCode = 899045 // no-disturb: the group does not exist
	ErrNoDisturbNotInGroup       ErrorCode = 899046 // no-disturb: the user is not in the group
	ErrNoDisturbGroupAlreadySet  ErrorCode = 899047 // no-disturb already set for the group
	ErrNoDisturbGlobalAlreadyOn  ErrorCode = 899048 // global no-disturb already on
	ErrNoDisturbGroupNotSet      ErrorCode = 899049 // group not in the no-disturb setting
	ErrNoDisturbGlobalAlreadyOff ErrorCode = 899050 // global no-disturb already off
	ErrNoDisturbUnknownGroup     ErrorCode = 899051 // no-disturb: no such group (the REST document's number)
	ErrGroupShieldAlreadyOn      ErrorCode = 899052 // group shield already on
	ErrGroupShieldAlreadyOff     ErrorCode = 899053 // group shield already off
	ErrAlreadyFriends            ErrorCode = 899070 // already friends
	ErrNotFriend                 ErrorCode = 899071 // not a friend
	ErrChatroomNotFound          ErrorCode = 899081 // chatroom does not exist
	ErrUserNotInChatroom         ErrorCode = 899082 // user not in the chatroom
	// ErrRateLimited matches code 2002 and any HTTP 429 answer, including
	// the error returned when the server asks to wait longer than the retry
	// policy allows (see APIError.RetryAfter).
	ErrRateLimited ErrorCode = 2002 // rate limit exceeded

	ErrWrongPassword       ErrorCode = 898004 // the current password is wrong
	ErrTokenExpired        ErrorCode = 898010 // API token expired
	ErrCrossAppQueryDenied ErrorCode = 898011 // no permission to query another app's users, or no such app
	ErrRTCNotEnabled       ErrorCode = 898031 // audio and video service not enabled for the app

	ErrSendStateStorage        ErrorCode = 803001 // send: state storage error
	ErrSendNetwork             ErrorCode = 803002 // send: internal network error
	ErrSendTargetUserNotFound  ErrorCode = 803003 // send: target user does not exist
	ErrSendTargetGroupNotFound ErrorCode = 803004 // send: target group does not exist
	ErrSendNotInGroup          ErrorCode = 803005 // send: sender not in the target group
	ErrSendNotPermitted        ErrorCode = 803006 // send: sender not permitted
	ErrMessageTooLong          ErrorCode = 803007 // message too long
	ErrBlockedByReceiver       ErrorCode = 803008 // the receiver blacklisted the sender
	ErrSensitiveWord           ErrorCode = 803009 // message contains a sensitive word
	ErrSendTooFast             ErrorCode = 803010 // sending faster than allowed
	ErrMessageContentInvalid   ErrorCode = 803011 // message content is not valid JSON
	ErrSenderSilenced          ErrorCode = 803012 // sender silenced by an admin

	ErrFriendTargetNotFound    ErrorCode = 805001 // friends: target user does not exist
	ErrFriendAlreadyAdded      ErrorCode = 805002 // add friend: already friends
	ErrFriendNotAdded          ErrorCode = 805003 // remove friend: not a friend
	ErrFriendNoteInvalid       ErrorCode = 805004 // friend note invalid
	ErrFriendInvitationInvalid ErrorCode = 805006 // friend invitation invalid

	ErrGroupNameInvalid           ErrorCode = 808001 // group name empty or invalid
	ErrGroupCreateForbidden       ErrorCode = 808002 // user may not create groups
	ErrOwnedGroupLimit            ErrorCode = 808003 // user owns the most groups allowed
	ErrGroupNameTooLong           ErrorCode = 808004 // group name too long
	ErrGroupDescTooLong           ErrorCode = 808005 // group description too long
	ErrGroupMemberLimitInvalid    ErrorCode = 808006 // group member limit invalid
	ErrGroupBlacklisted           ErrorCode = 810001 // user on the group blacklist
	ErrAddMembersEmpty            ErrorCode = 810002 // add members: list empty
	ErrAddMembersNotRegistered    ErrorCode = 810005 // add members: user not registered
	ErrAddMembersRepeated         ErrorCode = 810007 // add members: member added twice
	ErrAddMembersOverLimit        ErrorCode = 810008 // add members: over the group's member limit
	ErrAddMembersGroupLimit       ErrorCode = 810009 // add members: member reached its group limit
	ErrRemoveMembersEmpty         ErrorCode = 811002 // remove members: list empty
	ErrRemoveMembersNotRegistered ErrorCode = 811005 // remove members: user not registered
	ErrRemoveMemberForbidden      ErrorCode = 811006 // remove members: requester may not remove a member
	ErrRemoveMembersRepeated      ErrorCode = 811007 // remove members: member removed twice
	ErrRemoveMembersNotInGroup    ErrorCode = 811008 // remove members: member not in the group
	ErrGroupUpdateNameTooLong     ErrorCode = 812003 // group update: name too long
	ErrGroupUpdateDescTooLong     ErrorCode = 812004 // group update: description too long

	ErrBlacklistAddEmpty         ErrorCode = 818001 // blacklist add: list empty
	ErrBlacklistAddNotFound      ErrorCode = 818002 // blacklist add: user does not exist
	ErrBlacklistAddForbidden     ErrorCode = 818003 // blacklist add: member may not be added
	ErrBlacklistAddRepeated      ErrorCode = 818004 // blacklist add: member added twice
	ErrBlacklistFull             ErrorCode = 818005 // blacklist full
	ErrBlacklistTargetForbidden  ErrorCode = 818006 // blacklist add: user may not be blacklisted
	ErrBlacklistRemoveEmpty      ErrorCode = 819001 // blacklist remove: list empty
	ErrBlacklistRemoveNotFound   ErrorCode = 819002 // blacklist remove: user does not exist
	ErrBlacklistRemoveRepeated   ErrorCode = 819003 // blacklist remove: member removed twice
	ErrBlacklistRemoveNotPresent ErrorCode = 819004 // blacklist remove: user not in the blacklist

	ErrNoDisturbMemberSetBefore   ErrorCode = 831001 // no-disturb add user: already set
	ErrNoDisturbMemberNeverSet    ErrorCode = 832001 // no-disturb remove user: never set
	ErrNoDisturbAddGroupNotFound  ErrorCode = 833001 // no-disturb add group: group does not exist
	ErrNoDisturbAddGroupNotMember ErrorCode = 833002 // no-disturb add group: user not in the group
	ErrNoDisturbGroupSetBefore    ErrorCode = 833003 // no-disturb add group: already set
	ErrNoDisturbGroupNeverSet     ErrorCode = 834001 // no-disturb remove group: never set
	ErrNoDisturbGlobalSetBefore   ErrorCode = 835001 // global no-disturb on: already on
	ErrNoDisturbGlobalNeverSet    ErrorCode = 836001 // global no-disturb off: never on

	ErrShieldGroupNotFound ErrorCode = 842001 // group shield add: group does not exist
	ErrShieldNotInGroup    ErrorCode = 842002 // group shield add: user not in the group
	ErrShieldSetBefore     ErrorCode = 842003 // group shield add: already shielded
	ErrShieldNeverSet      ErrorCode = 843001 // group shield remove: never shielded

	ErrChatroomSendNotMember       ErrorCode = 847001 // chatroom send: sender not in the room
	ErrChatroomSendMuted           ErrorCode = 847002 // chatroom send: sender muted in the room
	ErrChatroomSendNotFound        ErrorCode = 847003 // chatroom send: room does not exist
	ErrChatroomMessageTooLong      ErrorCode = 847004 // chatroom send: message too long
	ErrChatroomMessageInvalid      ErrorCode = 847005 // chatroom send: message content is not valid JSON
	ErrChatroomDeleteNotFound      ErrorCode = 850001 // chatroom delete: room does not exist
	ErrChatroomInviteRepeated      ErrorCode = 851001 // chatroom invite: member listed twice
	ErrChatroomInviteNotRegistered ErrorCode = 851002 // chatroom invite: user not registered
	ErrAlreadyInChatroom           ErrorCode = 851003 // member already in the chatroom
	ErrChatroomInviteNotFound      ErrorCode = 851004 // chatroom invite: room does not exist
	ErrChatroomInviteEmpty         ErrorCode = 851005 // chatroom invite: list empty
	ErrChatroomFull                ErrorCode = 851006 // not enough places left in the chatroom
	ErrChatroomBlacklisted         ErrorCode = 851007 // member on the chatroom blacklist
	ErrChatroomKickNotMember       ErrorCode = 852001 // chatroom kick or leave: user not in the room
	ErrChatroomKickNotFound        ErrorCode = 852002 // chatroom kick or leave: room does not exist
	ErrChatroomKickEmpty           ErrorCode = 852003 // chatroom kick: list empty
	ErrChatroomOwnerCannotLeave    ErrorCode = 852004 // the chatroom owner cannot leave
	ErrChatroomUpdateNotFound      ErrorCode = 853001 // chatroom update: room does not exist
	ErrChatroomOwnerNotMember      ErrorCode = 853002 // chatroom update: new owner not in the room

	ErrRetractTooLate   ErrorCode = 855001 // retract: more than 3 minutes after sending
	ErrRetractNotSender ErrorCode = 855002 // retract: not the sender
	ErrMessageNotFound  ErrorCode = 855003 // retract: no such message
	ErrAlreadyRetracted ErrorCode = 855004 // retract: message already retracted
)

// general returns the sentinel that also matches c (its 899xxx twin, or
// the general code of the same meaning), or 0 for none.
func (c ErrorCode) general() ErrorCode {
	for _, row := range [...]struct{ code, general ErrorCode }{
		{898000, ErrServerInternal}, {898001, ErrUserExists}, {898002, ErrUserNotFound},
		{898003, ErrInvalidParameter}, {898006, ErrGroupNotFound}, {898007, ErrMissingAuth},
		{898008, ErrAuthFailed}, {898009, ErrAppKeyNotFound}, {898030, ErrServerBusy},
		{ErrSendStateStorage, ErrServerInternal}, {ErrSendNetwork, ErrServerInternal},
		{ErrSendTargetUserNotFound, ErrUserNotFound}, {ErrFriendTargetNotFound, ErrUserNotFound},
		{ErrAddMembersNotRegistered, ErrUserNotFound}, {ErrRemoveMembersNotRegistered, ErrUserNotFound},
		{ErrBlacklistAddNotFound, ErrUserNotFound}, {ErrBlacklistRemoveNotFound, ErrUserNotFound},
		{ErrChatroomInviteNotRegistered, ErrUserNotFound},
		{ErrSendTargetGroupNotFound, ErrGroupNotFound}, {ErrShieldGroupNotFound, ErrGroupNotFound},
		{ErrNoDisturbGroupNotFound, ErrGroupNotFound},
		{ErrSendNotInGroup, ErrUserNotInGroup}, {ErrRemoveMembersRepeated, ErrUserNotInGroup},
		{ErrRemoveMembersNotInGroup, ErrUserNotInGroup}, {ErrShieldNotInGroup, ErrUserNotInGroup},
		{ErrNoDisturbNotInGroup, ErrUserNotInGroup},
		{ErrSendNotPermitted, ErrSendForbidden}, {ErrSenderSilenced, ErrSendForbidden}, {ErrChatroomSendMuted, ErrSendForbidden},
		{ErrSendTooFast, ErrRateLimited},
		{ErrChatroomMessageTooLong, ErrMessageTooLong}, {ErrChatroomMessageInvalid, ErrMessageContentInvalid},
		{ErrFriendAlreadyAdded, ErrAlreadyFriends}, {ErrFriendNotAdded, ErrNotFriend},
		{ErrAddMembersRepeated, ErrUserInGroup}, {ErrAddMembersOverLimit, ErrGroupFull},
		{ErrAddMembersGroupLimit, ErrGroupLimitReached},
		{ErrGroupUpdateNameTooLong, ErrGroupNameTooLong}, {ErrGroupUpdateDescTooLong, ErrGroupDescTooLong},
		{ErrBlacklistAddRepeated, ErrAlreadyBlacklisted}, {ErrBlacklistTargetForbidden, ErrBlacklistAddForbidden},
		{ErrBlacklistRemoveRepeated, ErrNotBlacklisted}, {ErrBlacklistRemoveNotPresent, ErrNotBlacklisted},
		{ErrNoDisturbMemberSetBefore, ErrNoDisturbUserAlreadySet}, {ErrNoDisturbMemberNeverSet, ErrNoDisturbUserNotSet},
		{ErrNoDisturbAddGroupNotFound, ErrNoDisturbGroupNotFound}, {ErrNoDisturbUnknownGroup, ErrNoDisturbGroupNotFound},
		{ErrNoDisturbAddGroupNotMember, ErrNoDisturbNotInGroup}, {ErrNoDisturbGroupSetBefore, ErrNoDisturbGroupAlreadySet},
		{ErrNoDisturbGroupNeverSet, ErrNoDisturbGroupNotSet}, {ErrNoDisturbGlobalSetBefore, ErrNoDisturbGlobalAlreadyOn},
		{ErrNoDisturbGlobalNeverSet, ErrNoDisturbGlobalAlreadyOff},
		{ErrShieldSetBefore, ErrGroupShieldAlreadyOn}, {ErrShieldNeverSet, ErrGroupShieldAlreadyOff},
		{ErrChatroomSendNotFound, ErrChatroomNotFound}, {ErrChatroomDeleteNotFound, ErrChatroomNotFound},
		{ErrChatroomInviteNotFound, ErrChatroomNotFound}, {ErrChatroomKickNotFound, ErrChatroomNotFound},
		{ErrChatroomUpdateNotFound, ErrChatroomNotFound},
		{ErrChatroomSendNotMember, ErrUserNotInChatroom}, {ErrChatroomKickNotMember, ErrUserNotInChatroom},
		{ErrChatroomOwnerNotMember, ErrUserNotInChatroom},
	} {
		if row.code == c {
			return row.general
		}
	}
	return 0
}

// matches reports whether code c is t or one of the codes t also matches.
func (c ErrorCode) matches(t ErrorCode) bool {
	for ; c != 0; c = c.general() {
		if c == t {
			return true
		}
	}
	return false
}

// ErrNoDisturbConflict is matched by an *APIError whose code is a
// no-disturb state conflict: ErrNoDisturbUserAlreadySet, …UserNotSet,
// …NotInGroup, …GroupAlreadySet, …GlobalAlreadyOn, …GroupNotSet,
// …GlobalAlreadyOff (899043, 899044, 899046–899050) and the codes they
// match. ErrNoDisturbGroupNotFound (899045) is not a conflict.
var ErrNoDisturbConflict = errors.New("jmessage: no-disturb state conflict")

// noDisturbConflict reports whether c is matched by ErrNoDisturbConflict.
func (c ErrorCode) noDisturbConflict() bool {
	for _, t := range []ErrorCode{ErrNoDisturbUserAlreadySet, ErrNoDisturbUserNotSet, ErrNoDisturbNotInGroup,
		ErrNoDisturbGroupAlreadySet, ErrNoDisturbGlobalAlreadyOn, ErrNoDisturbGroupNotSet, ErrNoDisturbGlobalAlreadyOff} {
		if c.matches(t) {
			return true
		}
	}
	return false
}
