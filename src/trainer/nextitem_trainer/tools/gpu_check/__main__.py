"""``python -m nextitem_trainer.tools.gpu_check``: what deploy/bin/gpu-check runs."""
import sys

from .command import main

sys.exit(main())
