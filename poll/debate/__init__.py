"""The debate: comments and replies, their tags, marks, appeals, mutes and moderation."""
