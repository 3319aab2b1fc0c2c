'use strict';
// Nodemailer's smtp-server as a peer for loadtest/side-by-side.sh (issue 6): every message is read
// to its end and dropped with 250, like the gateway's discard sink.
// Usage: node server.js PORT   (listens on 127.0.0.1:PORT only; SIGTERM or Ctrl+C stops it)
const { SMTPServer } = require('smtp-server');

const port = Number(process.argv[2]);
if (!Number.isInteger(port) || port < 1 || port > 65535) {
  console.error('usage: node server.js PORT');
  process.exit(1);
}

const server = new SMTPServer({
  name: 'node-peer.localhost',
  logger: false,
  // Plain SMTP without authentication, like smtp-sink and the gateway in this comparison.
  authOptional: true,
  disabledCommands: ['STARTTLS', 'AUTH'],
  // No reverse DNS per connection: the other servers do none either.
  disableReverseLookup: true,
  onData(stream, _session, callback) {
    stream.on('end', () => callback());
    stream.resume();
  },
});

server.on('error', (error) => console.error(`smtp-server: ${error.message}`));
server.listen(port, '127.0.0.1', () => console.log(`smtp-server peer listening on 127.0.0.1:${port}`));
