/*
 * A native echo server to measure sockbench against: one thread, epoll, non-blocking sockets. It speaks
 * sockbench's framings as a server must, not as a byte mirror: it answers only whole frames (length: a
 * u32 big-endian prefix; eof: payload then token), so a frame cut across reads waits for its end, and a
 * prefix above the frame limit closes that connection. Whole frames are written back from the receive
 * buffer itself, so no byte is copied in user space.
 *
 *   cc -O2 -o echo-server bench/echo-server.c
 *   ./echo-server length [PORT]        prints "listening on 127.0.0.1:PORT" (PORT 0 or absent: any free port)
 *   ./echo-server eof [PORT] [TOKEN]   TOKEN defaults to <EOF>
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#define MAX_FRAME_BYTES (16u * 1024u * 1024u)
#define INITIAL_BUFFER_BYTES (256u * 1024u)
#define MAX_EVENTS 256

enum framing { LENGTH, END_TOKEN };

struct connection {
  int fd;
  char *buffer;
  size_t capacity;
  size_t length;  /* bytes received and kept */
  size_t ready;   /* bytes up to the end of the last whole frame: these are echoed */
  size_t written; /* bytes of `ready` already written back */
  size_t scanned; /* eof: where the next token search starts */
  int waiting_to_write;
};

static enum framing framing_kind;
static const char *token = "<EOF>";
static size_t token_length = 5;
static int epoll_fd;

static void die(const char *what) {
  perror(what);
  exit(2);
}

static void close_connection(struct connection *connection) {
  close(connection->fd);
  free(connection->buffer);
  free(connection);
}

/* Advances `ready` over the whole frames received; returns -1 when the peer broke the framing. */
static int find_frames(struct connection *connection) {
  if (framing_kind == LENGTH) {
    size_t position = connection->ready;
    while (position + 4 <= connection->length) {
      const unsigned char *header = (const unsigned char *)connection->buffer + position;
      uint32_t payload = ((uint32_t)header[0] << 24) | ((uint32_t)header[1] << 16) |
                         ((uint32_t)header[2] << 8) | (uint32_t)header[3];
      if (payload > MAX_FRAME_BYTES) return -1;
      if (position + 4 + payload > connection->length) break;
      position += 4 + payload;
    }
    connection->ready = position;
    return 0;
  }
  size_t from = connection->scanned > connection->ready ? connection->scanned : connection->ready;
  for (;;) {
    char *found = memmem(connection->buffer + from, connection->length - from, token, token_length);
    if (found == NULL) break;
    from = (size_t)(found - connection->buffer) + token_length;
    connection->ready = from;
  }
  /* A token may straddle the end of what has arrived: search its last bytes again next time. */
  connection->scanned = connection->length >= token_length - 1 ? connection->length - (token_length - 1) : 0;
  if (connection->length - connection->ready > MAX_FRAME_BYTES + token_length) return -1;
  return 0;
}

static void watch(struct connection *connection, uint32_t events) {
  struct epoll_event event = {.events = events, .data.ptr = connection};
  if (epoll_ctl(epoll_fd, EPOLL_CTL_MOD, connection->fd, &event) < 0) die("epoll_ctl");
}

/* Writes back what is ready; returns -1 on a dead peer, 1 when the socket is full, 0 when all went. */
static int write_ready(struct connection *connection) {
  while (connection->written < connection->ready) {
    ssize_t sent = send(connection->fd, connection->buffer + connection->written,
                        connection->ready - connection->written, MSG_NOSIGNAL);
    if (sent < 0) {
      if (errno == EAGAIN || errno == EWOULDBLOCK) return 1;
      if (errno == EINTR) continue;
      return -1;
    }
    connection->written += (size_t)sent;
  }
  /* Everything echoed: keep only the incomplete frame, at the front. */
  size_t rest = connection->length - connection->ready;
  if (rest > 0 && connection->ready > 0) memmove(connection->buffer, connection->buffer + connection->ready, rest);
  connection->scanned = connection->scanned > connection->ready ? connection->scanned - connection->ready : 0;
  connection->length = rest;
  connection->ready = 0;
  connection->written = 0;
  return 0;
}

static void on_readable(struct connection *connection) {
  for (;;) {
    if (connection->length == connection->capacity) {
      size_t capacity = connection->capacity * 2;
      char *grown = realloc(connection->buffer, capacity);
      if (grown == NULL) die("realloc");
      connection->buffer = grown;
      connection->capacity = capacity;
    }
    size_t space = connection->capacity - connection->length;
    ssize_t received = recv(connection->fd, connection->buffer + connection->length, space, 0);
    if (received == 0) {
      close_connection(connection);
      return;
    }
    if (received < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) return;
      close_connection(connection);
      return;
    }
    connection->length += (size_t)received;
    if (find_frames(connection) < 0) {
      close_connection(connection);
      return;
    }
    if (connection->ready > 0) {
      int state = write_ready(connection);
      if (state < 0) {
        close_connection(connection);
        return;
      }
      if (state == 1) {
        /* The peer is not reading: stop reading it until its replies have gone. */
        connection->waiting_to_write = 1;
        watch(connection, EPOLLOUT);
        return;
      }
    }
    /* A read that did not fill the buffer has emptied the socket: back to epoll without a failing recv. */
    if ((size_t)received < space) return;
  }
}

static void on_writable(struct connection *connection) {
  int state = write_ready(connection);
  if (state < 0) {
    close_connection(connection);
    return;
  }
  if (state == 1) return;
  connection->waiting_to_write = 0;
  watch(connection, EPOLLIN);
  on_readable(connection);
}

int main(int argc, char **argv) {
  if (argc < 2 || (strcmp(argv[1], "length") != 0 && strcmp(argv[1], "eof") != 0)) {
    fprintf(stderr, "usage: %s length|eof [PORT] [TOKEN]\n", argv[0]);
    return 2;
  }
  framing_kind = strcmp(argv[1], "length") == 0 ? LENGTH : END_TOKEN;
  int port = argc > 2 ? atoi(argv[2]) : 0;
  if (argc > 3) {
    token = argv[3];
    token_length = strlen(token);
    if (token_length == 0) {
      fprintf(stderr, "the eof token must not be empty\n");
      return 2;
    }
  }
  int listener = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
  if (listener < 0) die("socket");
  int on = 1;
  setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
  struct sockaddr_in address = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (bind(listener, (struct sockaddr *)&address, sizeof address) < 0) die("bind");
  if (listen(listener, 1024) < 0) die("listen");
  socklen_t address_length = sizeof address;
  getsockname(listener, (struct sockaddr *)&address, &address_length);
  printf("listening on 127.0.0.1:%d\n", ntohs(address.sin_port));
  fflush(stdout);

  epoll_fd = epoll_create1(0);
  if (epoll_fd < 0) die("epoll_create1");
  struct epoll_event listen_event = {.events = EPOLLIN, .data.ptr = NULL};
  epoll_ctl(epoll_fd, EPOLL_CTL_ADD, listener, &listen_event);
  struct epoll_event events[MAX_EVENTS];
  for (;;) {
    int count = epoll_wait(epoll_fd, events, MAX_EVENTS, -1);
    if (count < 0) {
      if (errno == EINTR) continue;
      die("epoll_wait");
    }
    for (int index = 0; index < count; index++) {
      struct connection *connection = events[index].data.ptr;
      if (connection == NULL) {
        int fd;
        while ((fd = accept4(listener, NULL, NULL, SOCK_NONBLOCK)) >= 0) {
          setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
          struct connection *accepted = calloc(1, sizeof *accepted);
          if (accepted == NULL) die("calloc");
          accepted->fd = fd;
          accepted->capacity = INITIAL_BUFFER_BYTES;
          accepted->buffer = malloc(accepted->capacity);
          if (accepted->buffer == NULL) die("malloc");
          struct epoll_event event = {.events = EPOLLIN, .data.ptr = accepted};
          if (epoll_ctl(epoll_fd, EPOLL_CTL_ADD, fd, &event) < 0) die("epoll_ctl");
        }
        continue;
      }
      if (connection->waiting_to_write) on_writable(connection);
      else on_readable(connection);
    }
  }
}
