// Deepens the accept queue of a server socket that cpp-httplib opened with its fixed backlog.
#pragma once

namespace copycat::testing {

// cpp-httplib (the shared library here) listens with a backlog of 5: a client opening ten
// connections at once (copycat's lists and watches at start-up) loses SYNs and retransmits them
// after 1 s, which benchmarks would measure as copycat's time. Linux lets listen() be called
// again on a listening socket to deepen its queue; this finds the process's socket listening on
// 127.0.0.1/0.0.0.0 `port` and does that. For benchmarks; tests do not need it.
void deepenListenBacklog(int port);

}  // namespace copycat::testing
