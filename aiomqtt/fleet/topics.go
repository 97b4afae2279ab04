package fleet

import "strings"

// The topics of a device whose Homie id is ID. Homie 5 topics live under
// homie/5/ID; the request/response and the extras of aiotools under
// aiotools/ID.
const (
	// HomieRoot is the Homie 5 prefix.
	HomieRoot = "homie/5/"
	// Root is the prefix of aiotools' own topics.
	Root = "aiotools/"
	// Broadcast stands for the device id in a request for every device:
	// aiotools/$broadcast/ctl.
	Broadcast = "$broadcast"
)

// The values of $state (Homie 5).
const (
	StateInit         = "init"
	StateReady        = "ready"
	StateDisconnected = "disconnected"
	StateLost         = "lost"
)

// StateTopic is homie/5/ID/$state.
func StateTopic(id string) string { return HomieRoot + id + "/$state" }

// DescriptionTopic is homie/5/ID/$description.
func DescriptionTopic(id string) string { return HomieRoot + id + "/$description" }

// PropertyTopic is homie/5/ID/NODE/PROP.
func PropertyTopic(id, node, prop string) string {
	return HomieRoot + id + "/" + node + "/" + prop
}

// CtlTopic is aiotools/ID/ctl, where a device takes requests (ID may be
// Broadcast).
func CtlTopic(id string) string { return Root + id + "/ctl" }

// LogTopic is aiotools/ID/log, where a followed log's lines go.
func LogTopic(id string) string { return Root + id + "/log" }

// StatsTopic is aiotools/ID/stats, the device's retained stats.
func StatsTopic(id string) string { return Root + id + "/stats" }

// DeviceOf returns the device id of a homie/5/ID/… or aiotools/ID/… topic.
func DeviceOf(topic string) (string, bool) {
	var rest string
	switch {
	case strings.HasPrefix(topic, HomieRoot):
		rest = topic[len(HomieRoot):]
	case strings.HasPrefix(topic, Root):
		rest = topic[len(Root):]
	default:
		return "", false
	}
	id, _, _ := strings.Cut(rest, "/")
	return id, id != ""
}

// ValidTopicName reports whether t can be published to: not empty, no
// wildcard (+ #), no NUL, at most 65535 bytes (MQTT 5 §4.7).
func ValidTopicName(t string) bool {
	return t != "" && len(t) <= 65535 && !strings.ContainsAny(t, "+#\x00")
}
