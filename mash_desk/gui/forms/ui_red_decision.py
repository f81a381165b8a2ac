# source-sha256: 8a73a2623d0ce383bf903cdb69d7da0d53c4581a2c5406442912e53ad1cf78df
# -*- coding: utf-8 -*-

################################################################################
## Form generated from reading UI file 'red_decision.ui'
##
## Created by: Qt User Interface Compiler version 6.11.3
##
## WARNING! All changes made in this file will be lost when recompiling UI file!
################################################################################

from PySide6.QtCore import (QCoreApplication, QDate, QDateTime, QLocale,
    QMetaObject, QObject, QPoint, QRect,
    QSize, QTime, QUrl, Qt)
from PySide6.QtGui import (QBrush, QColor, QConicalGradient, QCursor,
    QFont, QFontDatabase, QGradient, QIcon,
    QImage, QKeySequence, QLinearGradient, QPainter,
    QPalette, QPixmap, QRadialGradient, QTransform)
from PySide6.QtWidgets import (QApplication, QDialog, QHBoxLayout, QLabel,
    QPushButton, QScrollArea, QSizePolicy, QSpacerItem,
    QSplitter, QVBoxLayout, QWidget)

from mash_desk.gui.meeting.reading_pane import LiveLabel

class Ui_RedDecisionDialog(object):
    def setupUi(self, RedDecisionDialog):
        if not RedDecisionDialog.objectName():
            RedDecisionDialog.setObjectName(u"RedDecisionDialog")
        RedDecisionDialog.resize(1280, 760)
        self.mainLayout = QVBoxLayout(RedDecisionDialog)
        self.mainLayout.setObjectName(u"mainLayout")
        self.childLabel = QLabel(RedDecisionDialog)
        self.childLabel.setObjectName(u"childLabel")
        self.childLabel.setWordWrap(True)
        self.childLabel.setStyleSheet(u"font-weight: bold; font-size: 15px;")
        self.childLabel.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByKeyboard|Qt.TextInteractionFlag.TextSelectableByMouse)

        self.mainLayout.addWidget(self.childLabel)

        self.hintLabel = QLabel(RedDecisionDialog)
        self.hintLabel.setObjectName(u"hintLabel")
        self.hintLabel.setWordWrap(True)

        self.mainLayout.addWidget(self.hintLabel)

        self.whereError = QLabel(RedDecisionDialog)
        self.whereError.setObjectName(u"whereError")
        self.whereError.setWordWrap(True)

        self.mainLayout.addWidget(self.whereError)

        self.statusLabel = LiveLabel(RedDecisionDialog)
        self.statusLabel.setObjectName(u"statusLabel")
        self.statusLabel.setWordWrap(True)

        self.mainLayout.addWidget(self.statusLabel)

        self.splitter = QSplitter(RedDecisionDialog)
        self.splitter.setObjectName(u"splitter")
        self.splitter.setOrientation(Qt.Orientation.Horizontal)
        self.splitter.setChildrenCollapsible(False)
        self.chairHost = QWidget(self.splitter)
        self.chairHost.setObjectName(u"chairHost")
        self.chairLayout = QVBoxLayout(self.chairHost)
        self.chairLayout.setObjectName(u"chairLayout")
        self.chairLayout.setContentsMargins(0, 0, 0, 0)
        self.splitter.addWidget(self.chairHost)
        self.scroller = QScrollArea(self.splitter)
        self.scroller.setObjectName(u"scroller")
        self.scroller.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.scroller.setWidgetResizable(True)
        self.formHost = QWidget()
        self.formHost.setObjectName(u"formHost")
        self.formLayout = QVBoxLayout(self.formHost)
        self.formLayout.setObjectName(u"formLayout")
        self.scroller.setWidget(self.formHost)
        self.splitter.addWidget(self.scroller)

        self.mainLayout.addWidget(self.splitter)

        self.buttons = QHBoxLayout()
        self.buttons.setObjectName(u"buttons")
        self.buttonsSpacer = QSpacerItem(0, 0, QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)

        self.buttons.addItem(self.buttonsSpacer)

        self.closeButton = QPushButton(RedDecisionDialog)
        self.closeButton.setObjectName(u"closeButton")
        self.closeButton.setAutoDefault(False)

        self.buttons.addWidget(self.closeButton)


        self.mainLayout.addLayout(self.buttons)


        self.retranslateUi(RedDecisionDialog)

        QMetaObject.connectSlotsByName(RedDecisionDialog)
    # setupUi

    def retranslateUi(self, RedDecisionDialog):
        RedDecisionDialog.setWindowTitle(QCoreApplication.translate("RedDecisionDialog", u"Decide a red referral between meetings", None))
#if QT_CONFIG(accessibility)
        RedDecisionDialog.setAccessibleName(QCoreApplication.translate("RedDecisionDialog", u"Decide a red referral between meetings", None))
#endif // QT_CONFIG(accessibility)
        self.childLabel.setText("")
        self.hintLabel.setText(QCoreApplication.translate("RedDecisionDialog", u"Decided by a manager with no meeting: only a red referral may be. Ctrl+S saves the draft \u00b7 Ctrl+Enter signs \u00b7 Ctrl+R records the routing \u00b7 Ctrl+P prints the memo \u00b7 Esc closes.", None))
        self.whereError.setText("")
#if QT_CONFIG(accessibility)
        self.whereError.setAccessibleName(QCoreApplication.translate("RedDecisionDialog", u"Why this decision cannot be made here", None))
#endif // QT_CONFIG(accessibility)
        self.statusLabel.setText("")
#if QT_CONFIG(accessibility)
        self.statusLabel.setAccessibleDescription(QCoreApplication.translate("RedDecisionDialog", u"Decision status", None))
#endif // QT_CONFIG(accessibility)
        self.closeButton.setText(QCoreApplication.translate("RedDecisionDialog", u"Close (Esc)", None))
    # retranslateUi

