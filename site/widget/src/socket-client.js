// The socket.io browser client, built by scripts/build_site.py from its ES modules into
// /vendor/socket.io.min.js (smaller than the package's own bundle), loaded by the widget
// only when it connects.
import { io } from "socket.io-client";

window.io = io;
