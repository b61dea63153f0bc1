"""The one place that touches Rasa's private or undocumented internals.

Rasa 3.6 offers no hook for what the assistant needs in a few places, so its private
methods are patched, overridden or read. Everything of that kind lives in this package;
the rest of the project calls the functions and hook classes here, never the private
names (``tests/unit/rasa_ext/test_rasa_ext.py`` scans the source for them, and pins each one's
signature or behaviour, so a Rasa upgrade fails there, naming the entry to revisit).

Every row was checked against Rasa 3.6.21 (``CHECKED_AGAINST_RASA``). We: patch (replaced
for the whole process), override (in a hook class here), call, read, set, replace (our own
version of a Rasa function), skip (a Rasa constructor not run).

======================================  ========  =============================================
Rasa module / name                      We        Here (in rasa_ext)
======================================  ========  =============================================
rasa.core.actions.action
  RemoteAction.run                      patch     actions.wrap_remote_action_run
    why: a time limit, and the apology when the action server fails or hangs; used by
      service/servers/degraded_actions.py
  RemoteAction.action_endpoint          read      actions.action_endpoint
    why: the action server's URL, to probe its /health; used by
      service/servers/degraded_actions.py
  RemoteAction._validate_action_result  patch     actions.use_cached_validation
    why: a validator built once (saves ~23 ms per action call); used by
      service/servers/rasa_server.py (install)
rasa.core.tracker_store
  FailSafeTrackerStore.save             patch     stores.replace_failsafe_save
    why: a failed save is raised, never kept in memory; used by
      service/stores/strict_tracker_store.py
  FailSafeTrackerStore._tracker_store   read      stores.wrapped_store
    why: the primary store, for the strict save and retention (AwaitableTrackerStore's too);
      used by service/privacy/retention.py
  SQLTrackerStore._additional_events    override  stores.SQLStoreHooks.unsaved_events
    why: unsaved events counted from the loaded window, not the session; used by
      service/stores/tracker_store.py
rasa.shared.core.events
  Event._from_parameters                call      stores.event_from_parameters
    why: deserialise without Rasa's class search per event; used by
      service/stores/tracker_store.py
rasa.core.lock_store
  LockStore._acquire_lock               override  stores.LockStoreHooks.acquire_lock
    why: a waiting ticket is renewed; only a dead holder's expires; used by
      service/stores/lock_store.py
rasa.core.channels.channel
  register, app.ctx.input_channels      replace   connectors.register
    why: every message goes through the input guard; used by
      service/servers/rasa_server.py
rasa.core.channels.socketio
  SocketIOInput.sio.eio settings        set       connectors.configure_socketio_engine
    why: CORS for our origins without credentials; a frame size limit; used by
      channels/socketio.py
  SocketIOOutput._send_message          override  connectors.SocketIOOutputHooks.send_frame
    why: frames carry the reply's language; used by channels/socketio.py
rasa.core.channels.twilio
  TwilioOutput._send_message            override  connectors.TwilioOutputHooks.send_twilio
    why: sent off the event loop to reply_to, no duplicate retries; used by
      channels/twilio_text.py
  TwilioOutput.http_client, .api        set       connectors.point_twilio_at
    why: a timeout; the tests' fake API; used by channels/twilio_text.py
rasa.core.channels.slack
  SlackBot._post_message                override  connectors.SlackBotHooks.post_message
    why: drop the legacy as_user=True; used by channels/slack_app.py
  SlackBot.client                       set       connectors.use_slack_client
    why: a timeout; the tests' fake API; used by channels/slack_app.py
  SlackInput._is_interactive_message    call      connectors.slack_button_text
    why: Rasa's reading of a button click; used by channels/slack_app.py
  SlackInput._get_interactive_response  call      connectors.slack_button_text
    why: Rasa's reading of a button click; used by channels/slack_app.py
  SlackInput._sanitize_user_message     call      connectors.slack_clean_text
    why: Rasa's clean-up of mentions and links; used by channels/slack_app.py
  SlackInput._is_supported_channel      call      connectors.slack_channel_supported
    why: Rasa's test of DM, mention or configured channel; used by channels/slack_app.py
  SlackInput._get_conversation_id       call      connectors.slack_conversation_id
    why: Rasa's conversation id (user, channel or thread); used by channels/slack_app.py
rasa.core.channels.facebook
  Messenger._handle_user_message        override  connectors.MessengerHooks.handle_user_message
    why: typing indicators, errors logged, per message; used by channels/messenger_app.py
  Messenger._is_quick_reply_message     call      connectors.is_quick_reply
    why: Rasa's test for a quick-reply tap; used by channels/messenger_app.py
  MessengerBot._add_postback_info       call      connectors.add_postback_info
    why: Rasa's defaults for buttons; used by channels/messenger_app.py
fbmessenger
  MessengerClient.graph_url             set       connectors.point_messenger_at
    why: the tests' fake Graph API; used by channels/messenger_app.py
rasa.nlu.featurizers.featurizer
  Featurizer._identifier                read      nlu.feature_origin
    why: our batched features carry the origin name Rasa gives the featurizer; used by
      nlu_components/minilm_featurizer.py
rasa.core.channels.telegram
  TelegramOutput.__init__               skip      connectors.init_telegram_output
    why: aiogram's Bot with a server and a timeout; used by channels/telegram_app.py
======================================  ========  =============================================

``install`` applies the three process-wide patches (action run, validation, fail-safe
save) at the Rasa server's start (``service/servers/rasa_server.py``); it is idempotent. The
overrides apply by subclassing the hook classes; the rest are plain function calls.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable

if TYPE_CHECKING:  # importing Rasa is slow: ``import rasa_ext`` alone stays cheap
    from rasa_ext.actions import Run
    from rasa_ext.stores import Save

CHECKED_AGAINST_RASA = "3.6.21"


def install(wrap_action_run: Callable[["Run"], "Run"], failsafe_save: "Save") -> None:
    """Patch Rasa for this process, once (later calls change nothing):
    ``RemoteAction.run`` becomes ``wrap_action_run(original)``, action replies are
    validated with a cached validator, and ``FailSafeTrackerStore.save`` becomes
    ``failsafe_save(primary store, tracker)``."""
    from rasa_ext import actions, stores

    actions.use_cached_validation()
    actions.wrap_remote_action_run(wrap_action_run)
    stores.replace_failsafe_save(failsafe_save)
