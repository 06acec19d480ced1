"""One module per command of ``python -m nextitem_trainer``: each has ``NAME``, ``add_parser(sub)``
(its options) and ``run(args) -> exit status``; ``__main__.COMMANDS`` lists them in help order.
A command module imports what it runs inside ``run``, so ``--help`` stays quick."""
