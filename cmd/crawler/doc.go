// Command crawler is nianbao's single binary: crawl, archive, parse,
// query, export and serve. See README.md. It only wires signals to a
// context and hands over to internal/cli. Its test (TestLayering) holds
// every package's imports to the layering README's architecture section
// draws.
package main
