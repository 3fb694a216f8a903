"""Status updates people post: understanding a message (``parse``) and recording it (``record``)."""
