package jmessagetest

import (
	"net/http"

	"github.com/jmessage-go/jmessage"
)

// Error codes the server answers (WIRE-NOTES "Error codes").
const (
	codeServerInternal       jmessage.ErrorCode = 899000
	codeUserExists                              = 899001
	codeUserNotFound                            = 899002
	codeInvalidParameter                        = 899003
	codeGroupNotFound                           = 899006
	codeMissingAuth                             = 899007
	codeAuthFailed                              = 899008
	codeAppKeyNotFound                          = 899009
	codeUserInGroup                             = 899011
	codeGroupFull                               = 899012
	codeTooManyUsers                            = 899013
	codeUserNotInGroup                          = 899014
	codeGroupLimitReached                       = 899015
	codeSendForbidden                           = 899016
	codeAlreadyBlacklisted                      = 899017
	codeAdminNotBlacklisted                     = 899018
	codeNotBlacklisted                          = 899019
	codeNoCrossAppPermission                    = 899020
	codeCrossAppRequired                        = 899021
	codeServerBusy                              = 899030
	// No-disturb conflicts: the API documents the range 899043–899050
	// without saying which is which; the fake uses these four.
	codeNoDisturbUserOn     = 899043 // single no-disturb already on for the user
	codeNoDisturbUserOff    = 899044 // single no-disturb not on for the user
	codeNoDisturbGroupOn    = 899045 // group no-disturb already on for the group
	codeNoDisturbGroupOff   = 899046 // group no-disturb not on for the group
	codeNoDisturbNoGroup    = 899051
	codeGroupShieldOn       = 899052
	codeGroupShieldOff      = 899053
	codeAlreadyFriends      = 899070
	codeNotFriend           = 899071
	codeChatroomNotFound    = 899081
	codeUserNotInChatroom   = 899082
	codeChatroomNoSuchRoom  = 850001 // chatroom delete's own code for an unknown room
	codeChatroomOwnerAbsent = 853002 // chatroom update's own code: the new owner is not a member
	codeRetractTooLate      = 855001
	codeRetractNotSender    = 855002
	codeMessageNotFound     = 855003
	codeAlreadyRetracted    = 855004
	codeRateLimited         = 2002
	codeSensitiveQuotaFull  = codeInvalidParameter // no documented code of its own
	codeMediaNotFound       = codeInvalidParameter // no documented code of its own
	codeSensitiveWordAbsent = codeInvalidParameter // no documented code of its own
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
