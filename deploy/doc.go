// Package deploy holds the deployment files of `crawler serve` — the
// systemd unit (nianbao.service), the multi-stage Dockerfile, the compose
// file and the service config (config.yaml); the operations guide is in
// README.md — and the tests that keep them correct: the config loads, the unit keeps its sandboxing,
// and the static binary the Dockerfile builds starts, serves and stops
// cleanly. There is no Go code to import here.
//
// It must not hold secrets or real credentials, and its tests never reach
// anything but loopback.
package deploy
