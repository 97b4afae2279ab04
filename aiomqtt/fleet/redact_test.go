package fleet

import (
	"context"
	"errors"
	"net"
	"strings"
	"syscall"
	"testing"
	"time"
)

// A broker URL's password never reaches an error: paho's connection
// error carried it ("failed to connect to mqtt://u:s3cret@…"), and aioctl
// printed it on the terminal (and the device logged it at every retry).
func TestConnectErrorHidesThePassword(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens there now: connection refused
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, err = Dial(ctx, Settings{Broker: "mqtt://user:s3cret@" + addr})
	if err == nil {
		t.Fatal("Dial to a closed port succeeded")
	}
	msg := err.Error()
	if strings.Contains(msg, "s3cret") {
		t.Errorf("the password is in the error: %s", msg)
	}
	if !strings.Contains(msg, "mqtt://user:xxxxx@"+addr) || strings.Count(msg, "mqtt://") != 1 {
		t.Errorf("want the broker named once, masked: %s", msg)
	}
	if !errors.Is(err, syscall.ECONNREFUSED) {
		t.Errorf("errors.Is(ECONNREFUSED) lost: %v", err)
	}
}

// mqtts:// to a port that closes on the TLS hello (a plain MQTT broker
// does) said only "EOF"; the error now says what it likely means.
func TestTLSToAPlainPortSaysSo(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() { // reads the hello, then closes: as mochi does on bytes that are no MQTT
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			c.Read(make([]byte, 512))
			c.Close()
		}
	}()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, err = Dial(ctx, Settings{Broker: "mqtts://" + ln.Addr().String()})
	if err == nil || !strings.Contains(err.Error(), "is "+ln.Addr().String()+" a TLS port?") {
		t.Fatalf("err = %v, want the TLS hint", err)
	}
}
