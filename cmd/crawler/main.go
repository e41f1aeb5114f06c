package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/nianbao/nianbao/internal/cli"
)

func main() {
	// SIGINT/SIGTERM cancel the context so in-flight writes finish or roll
	// back and the crawl frontier stays saved.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Main(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
