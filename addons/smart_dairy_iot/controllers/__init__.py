from . import export, intake
