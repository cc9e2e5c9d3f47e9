"""Engine plugin (listed in `bot.engine.hooks.PLUGIN_MODULES`): receiving on Zalo in `nhacviec run`."""

from bot.engine import hooks
from bot.engine.zalo import zalo_receiver

hooks.register_receiver(zalo_receiver())
