"""How the assistant runs as a service: the hardened Rasa server, action server and site
server entry points, the HTTP headers they share, and the tracker store."""
