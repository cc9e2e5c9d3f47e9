"""Engine plugin (listed in `bot.engine.hooks.PLUGIN_MODULES`): receiving on Telegram in
`nhacviec run` — long polling, or the webhook when TELEGRAM_WEBHOOK_URL is set. The receiver does
nothing unless the Telegram channel is running."""

from bot.channels.telegram_receive import TelegramReceiver
from bot.chat.conversation.setup import conversation_for
from bot.engine import hooks
from bot.settings import get_settings

hooks.register_receiver(TelegramReceiver(conversation_for, lang=get_settings().language))
