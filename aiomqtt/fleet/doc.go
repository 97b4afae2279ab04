// Package fleet is the steering side of fleet mode and the names both
// sides share: the topics (StateTopic, CtlTopic, …), the Homie id rule
// (HomieID, AssignIDs), the request encoding (DecodeRequest,
// EncodeRequest) and Client, which lists the devices on a broker from
// their retained topics (Devices) and sends them requests (Exec), with
// its Settings read from a file by ParseSettings (aioctl's fleet.json:
// a mistake is named at FILE:LINE:COLUMN, an unknown key too). It
// imports control/api and the MQTT client only, so the aioctl CLI links
// it without the server side. The device side is package aiomqtt, whose
// documentation describes the topics.
package fleet
