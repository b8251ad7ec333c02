plain: 1
