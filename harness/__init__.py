"""What tests and benchmarks use to run the assistant on this machine: its servers on free
ports with a throw-away tracker store (``servers``), local fakes of the messaging apps'
APIs (``fake_apps``), and each app's inbound webhook as the app itself calls it
(``*_webhook``). Not used by the running assistant."""
