"""From notes and imported chats to training examples: privacy scrub, chunking, dataset, tokenizing, the mix."""
