"""The reporting round before a meeting: each responsible body is asked for the updates of
its items due at that meeting, reminded while some are unreported, and the secretariat
gets the updated plan and who reported when the round closes.

* :mod:`.contacts`: where each body is asked (its channel, or its people by DM);
* :mod:`.service`: starting a round, its progress, "Nothing new", closing it;
* :mod:`.messages`: what the bodies and the admins are sent (outbox posts);
* :mod:`.reminders`: the reminders before the deadline, from the scheduler's tick.
"""
