#ifndef COREWARD_CMICROHTTPD_SHIM_H
#define COREWARD_CMICROHTTPD_SHIM_H

#include <errno.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/socket.h>
#include <microhttpd.h>

/// Starts a daemon the way coreward runs it: internal epoll threads (a pool of `thread_pool_size`),
/// an inter-thread channel so that the daemon can be quiesced for a graceful shutdown, suspend/resume so that
/// a request can wait (for its group, in /get_reward) without holding a worker thread, errors logged.
/// Why a wrapper: MHD_start_daemon is variadic and its option list mixes enum, unsigned int, size_t and
/// function-pointer arguments, which Swift cannot pass through CVarArg reliably; the flags are macros
/// and flag enums that Swift imports awkwardly.
static inline struct MHD_Daemon *coreward_mhd_start(int ipv6,
                                                    const struct sockaddr *address,
                                                    unsigned int thread_pool_size,
                                                    unsigned int connection_limit,
                                                    unsigned int connection_timeout_seconds,
                                                    size_t connection_memory_limit,
                                                    unsigned int per_ip_connection_limit,
                                                    MHD_AccessHandlerCallback handler,
                                                    void *handler_cls,
                                                    MHD_RequestCompletedCallback completed,
                                                    void *completed_cls,
                                                    MHD_NotifyConnectionCallback notify,
                                                    void *notify_cls) {
    unsigned int flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ITC | MHD_USE_ERROR_LOG |
                         MHD_ALLOW_SUSPEND_RESUME;
    if (ipv6) flags |= MHD_USE_IPv6;
    if (thread_pool_size <= 1) {  /* one internal thread: libmicrohttpd warns about a pool size of 0 or 1 */
        return MHD_start_daemon(flags, 0, NULL, NULL, handler, handler_cls,
                                MHD_OPTION_SOCK_ADDR, address,
                                MHD_OPTION_CONNECTION_LIMIT, connection_limit,
                                MHD_OPTION_CONNECTION_TIMEOUT, connection_timeout_seconds,
                                MHD_OPTION_CONNECTION_MEMORY_LIMIT, connection_memory_limit,
                                MHD_OPTION_PER_IP_CONNECTION_LIMIT, per_ip_connection_limit,
                                MHD_OPTION_NOTIFY_COMPLETED, completed, completed_cls,
                                MHD_OPTION_NOTIFY_CONNECTION, notify, notify_cls,
                                MHD_OPTION_END);
    }
    return MHD_start_daemon(flags, 0, NULL, NULL, handler, handler_cls,
                            MHD_OPTION_SOCK_ADDR, address,
                            MHD_OPTION_THREAD_POOL_SIZE, thread_pool_size,
                            MHD_OPTION_CONNECTION_LIMIT, connection_limit,
                            MHD_OPTION_CONNECTION_TIMEOUT, connection_timeout_seconds,
                            MHD_OPTION_CONNECTION_MEMORY_LIMIT, connection_memory_limit,
                            MHD_OPTION_PER_IP_CONNECTION_LIMIT, per_ip_connection_limit,
                            MHD_OPTION_NOTIFY_COMPLETED, completed, completed_cls,
                            MHD_OPTION_NOTIFY_CONNECTION, notify, notify_cls,
                            MHD_OPTION_END);
}

/// The port the daemon listens on (useful with port 0).
/// Why a wrapper: MHD_get_daemon_info returns a union whose member Swift would read unsafely.
static inline uint16_t coreward_mhd_bound_port(struct MHD_Daemon *daemon) {
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(daemon, MHD_DAEMON_INFO_BIND_PORT);
    return info == NULL ? 0 : info->port;
}

/// The socket of a connection, or -1.
/// Why a wrapper: the socket is inside a union that MHD_get_connection_info returns.
static inline int coreward_mhd_connection_fd(struct MHD_Connection *connection) {
    const union MHD_ConnectionInfo *info = MHD_get_connection_info(connection, MHD_CONNECTION_INFO_CONNECTION_FD);
    return info == NULL ? -1 : info->connect_fd;
}

/// What the connection-notify callback left in the connection's socket context (NULL when nothing).
/// Why a wrapper: the context is inside a union that MHD_get_connection_info returns.
static inline void *coreward_mhd_socket_context(struct MHD_Connection *connection) {
    const union MHD_ConnectionInfo *info = MHD_get_connection_info(connection, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    return info == NULL ? NULL : info->socket_context;
}

/// The status of the response already queued on the connection, or 0 when there is none. libmicrohttpd queues
/// its own error answer for a malformed Content-Length and then (0.9.75) still calls the access handler.
/// Why a wrapper: the status is inside a union that MHD_get_connection_info returns.
static inline unsigned int coreward_mhd_queued_status(struct MHD_Connection *connection) {
    const union MHD_ConnectionInfo *info = MHD_get_connection_info(connection, MHD_CONNECTION_INFO_HTTP_STATUS);
    return info == NULL ? 0 : info->http_status;
}

/// The Content-Length header of a request, or -1 when absent or unparsable.
/// Why a wrapper: keeps header lookups by C string constant (MHD_HTTP_HEADER_CONTENT_LENGTH is a macro).
static inline long long coreward_mhd_content_length(struct MHD_Connection *connection) {
    const char *value = MHD_lookup_connection_value(connection, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
    if (value == NULL || *value == '\0') return -1;
    long long n = 0;
    for (const char *p = value; *p; p++) {
        if (*p < '0' || *p > '9') return -1;
        if (n > (long long)1e15) return (long long)1e15;
        n = n * 10 + (*p - '0');
    }
    return n;
}

/// Whether the client of a (suspended) connection has closed its end: a peek that reads end-of-file or fails.
/// Why a wrapper: the socket is inside a union that MHD_get_connection_info returns, and errno is a macro.
static inline int coreward_mhd_peer_closed(struct MHD_Connection *connection) {
    const union MHD_ConnectionInfo *info = MHD_get_connection_info(connection, MHD_CONNECTION_INFO_CONNECTION_FD);
    if (info == NULL) return 1;
    char byte;
    ssize_t n = recv(info->connect_fd, &byte, 1, MSG_PEEK | MSG_DONTWAIT);
    if (n > 0) return 0;
    if (n == 0) return 1;
    return (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) ? 0 : 1;
}
#endif
