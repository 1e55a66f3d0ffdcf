package jmessagetest

import (
	"net/http"

	"github.com/jmessage-go/jmessage"
)

// Error codes the server answers (WIRE-NOTES "Error codes").
const (
	codeServerInternal       jmessage.ErrorCode = 899000
	codeUserExists           jmessage.ErrorCode = 899001
	codeUserNotFound         jmessage.ErrorCode = 899002
	codeInvalidParameter     jmessage.ErrorCode = 899003
	codeGroupNotFound        jmessage.ErrorCode = 899006
	codeMissingAuth          jmessage.ErrorCode = 899007
	codeAuthFailed           jmessage.ErrorCode = 899008
	codeAppKeyNotFound       jmessage.ErrorCode = 899009
	codeUserInGroup          jmessage.ErrorCode = 899011
	codeGroupFull            jmessage.ErrorCode = 899012
	codeTooManyUsers         jmessage.ErrorCode = 899013
	codeUserNotInGroup       jmessage.ErrorCode = 899014
	codeGroupLimitReached    jmessage.ErrorCode = 899015
	codeSendForbidden        jmessage.ErrorCode = 899016
	codeAlreadyBlacklisted   jmessage.ErrorCode = 899017
	codeAdminNotBlacklisted  jmessage.ErrorCode = 899018
	codeNotBlacklisted       jmessage.ErrorCode = 899019
	codeNoCrossAppPermission jmessage.ErrorCode = 899020
	codeCrossAppRequired     jmessage.ErrorCode = 899021
	codeServerBusy           jmessage.ErrorCode = 899030
	// No-disturb conflicts: the API documents the range 899043–899050
	// without saying which is which; the fake uses these four.
	codeNoDisturbUserOn     jmessage.ErrorCode = 899043 // single no-disturb already on for the user
	codeNoDisturbUserOff    jmessage.ErrorCode = 899044 // single no-disturb not on for the user
	codeNoDisturbGroupOn    jmessage.ErrorCode = 899045 // group no-disturb already on for the group
	codeNoDisturbGroupOff   jmessage.ErrorCode = 899046 // group no-disturb not on for the group
	codeNoDisturbNoGroup    jmessage.ErrorCode = 899051
	codeGroupShieldOn       jmessage.ErrorCode = 899052
	codeGroupShieldOff      jmessage.ErrorCode = 899053
	codeAlreadyFriends      jmessage.ErrorCode = 899070
	codeNotFriend           jmessage.ErrorCode = 899071
	codeChatroomNotFound    jmessage.ErrorCode = 899081
	codeUserNotInChatroom   jmessage.ErrorCode = 899082
	codeChatroomNoSuchRoom  jmessage.ErrorCode = 850001 // chatroom delete's own code for an unknown room
	codeChatroomOwnerAbsent jmessage.ErrorCode = 853002 // chatroom update's own code: the new owner is not a member
	codeRetractTooLate      jmessage.ErrorCode = 855001
	codeRetractNotSender    jmessage.ErrorCode = 855002
	codeMessageNotFound     jmessage.ErrorCode = 855003
	codeAlreadyRetracted    jmessage.ErrorCode = 855004
	codeRateLimited         jmessage.ErrorCode = 2002
	codeSensitiveQuotaFull                     = codeInvalidParameter // no documented code of its own
	codeMediaNotFound                          = codeInvalidParameter // no documented code of its own
	codeSensitiveWordAbsent                    = codeInvalidParameter // no documented code of its own
)

// statusOf is the HTTP status the server answers with code. The document
// shows only 401 for 899008; the fake answers 401 for authentication, 403
// for permission, 404 for a missing user, group, chatroom or message, 429
// for rate limits, 500/503 for server trouble and 400 for the rest.
func statusOf(code jmessage.ErrorCode) int {
	switch code {
	case codeMissingAuth, codeAuthFailed:
		return http.StatusUnauthorized
	case codeSendForbidden, codeAdminNotBlacklisted, codeNoCrossAppPermission, codeCrossAppRequired,
		codeRetractNotSender:
		return http.StatusForbidden
	case codeUserNotFound, codeGroupNotFound, codeAppKeyNotFound, codeNoDisturbNoGroup,
		codeChatroomNotFound, codeChatroomNoSuchRoom, codeMessageNotFound:
		return http.StatusNotFound
	case codeRateLimited:
		return http.StatusTooManyRequests
	case codeServerInternal:
		return http.StatusInternalServerError
	case codeServerBusy:
		return http.StatusServiceUnavailable
	}
	return http.StatusBadRequest
}
