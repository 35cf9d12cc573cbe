from . import smart_dairy_milking_round
from . import smart_dairy_milking_round_line
