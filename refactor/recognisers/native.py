COMMANDS = frozenset({"native"})


def recognise(inv):
    return None
