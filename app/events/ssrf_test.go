package events

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/netip"
	"testing"
)

func TestBlockedAddresses(t *testing.T) {
	t.Parallel()
	for addr, want := range map[string]bool{
		"127.0.0.1": true, "127.5.6.7": true, "10.0.0.1": true, "172.16.0.1": true, "172.31.255.255": true,
		"192.168.1.1": true, "100.64.0.1": true, "169.254.169.254": true, "0.0.0.0": true, "224.0.0.1": true,
		"255.255.255.255": true, "::1": true, "::": true, "fd00:ec2::254": true, "fc00::1": true, "fe80::1": true,
		"ff02::1": true, "::ffff:127.0.0.1": true, "::ffff:10.0.0.1": true, "64:ff9b::7f00:1": true,
		"8.8.8.8": false, "93.184.215.14": false, "172.32.0.1": false, "100.128.0.1": false, "2606:4700::1111": false,
	} {
		if got := Blocked(netip.MustParseAddr(addr)); got != want {
			t.Errorf("Blocked(%s) = %v, want %v", addr, got, want)
		}
	}
}

func TestConnectTimeCheck(t *testing.T) {
	t.Parallel()
	if err := controlDial("tcp", "127.0.0.1:80", nil); !errors.Is(err, errBlockedAddress) {
		t.Errorf("loopback dial: %v", err)
	}
	if err := controlDial("tcp6", "[::ffff:169.254.169.254]:80", nil); !errors.Is(err, errBlockedAddress) {
		t.Errorf("metadata dial: %v", err)
	}
	if err := controlDial("tcp", "93.184.215.14:443", nil); err != nil {
		t.Errorf("public dial: %v", err)
	}
}

func TestCheckTargetAllowsPrivateWhenTold(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	if err := CheckTarget(ctx, "http://127.0.0.1:8080/hook", true); err != nil {
		t.Errorf("allowed private: %v", err)
	}
	if err := CheckTarget(ctx, "https://192.0.2.1/hook", false); err != nil {
		t.Errorf("public literal: %v", err)
	}
	for _, bad := range []string{"file:///etc/passwd", "gopher://x/", "http:///nohost", "127.0.0.1"} {
		if err := CheckTarget(ctx, bad, true); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestSignature(t *testing.T) {
	t.Parallel()
	mac := hmac.New(sha256.New, []byte("whsec_k"))
	mac.Write([]byte(`1700000000.{"id":1}`))
	if got, want := Sign("whsec_k", 1700000000, []byte(`{"id":1}`)), "sha256="+hex.EncodeToString(mac.Sum(nil)); got != want {
		t.Errorf("Sign = %s, want %s", got, want)
	}
}
