// Preloaded into the Firebase CLI (NODE_OPTIONS, set by setup.sh).
// The Functions emulator forwards each request to a Python worker over Node's global HTTP
// agent, which keeps idle sockets open for reuse (the default since Node 19). The worker's
// server (gunicorn) closes an idle connection after 2 s, so a request sent on a socket it is
// closing fails with ECONNRESET (a 500 {"code":"ECONNRESET"} that never reached our code).
// On loopback a fresh connection per request costs nothing: no keep-alive.
const http = require("http");
http.globalAgent = new http.Agent({ keepAlive: false });
