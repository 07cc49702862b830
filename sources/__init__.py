"""Sources: where items come from (local folders, SMB shares, mailboxes, mail archives)."""
