# source-sha256: 265034188ab3e1319766764b0f5f73ac78a170c3c57a7bc348f0d283130e230a
# -*- coding: utf-8 -*-

################################################################################
## Form generated from reading UI file 'meeting_chair_panel.ui'
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
from PySide6.QtWidgets import (QApplication, QGroupBox, QSizePolicy, QVBoxLayout,
    QWidget)

from mash_desk.gui.meeting.reading_pane import ReadingPane

class Ui_MeetingChairPanel(object):
    def setupUi(self, MeetingChairPanel):
        if not MeetingChairPanel.objectName():
            MeetingChairPanel.setObjectName(u"MeetingChairPanel")
        self.chairLayout = QVBoxLayout(MeetingChairPanel)
        self.chairLayout.setObjectName(u"chairLayout")
        self.chairLayout.setContentsMargins(0, 0, 0, 0)
        self.concernBox = QGroupBox(MeetingChairPanel)
        self.concernBox.setObjectName(u"concernBox")
        self.concernBoxLayout = QVBoxLayout(self.concernBox)
        self.concernBoxLayout.setObjectName(u"concernBoxLayout")
        self.concernBoxLayout.setContentsMargins(4, 4, 4, 4)
        self.concernText = ReadingPane(self.concernBox)
        self.concernText.setObjectName(u"concernText")

        self.concernBoxLayout.addWidget(self.concernText)


        self.chairLayout.addWidget(self.concernBox)

        self.checksBox = QGroupBox(MeetingChairPanel)
        self.checksBox.setObjectName(u"checksBox")
        self.checksBoxLayout = QVBoxLayout(self.checksBox)
        self.checksBoxLayout.setObjectName(u"checksBoxLayout")
        self.checksBoxLayout.setContentsMargins(4, 4, 4, 4)
        self.checksText = ReadingPane(self.checksBox)
        self.checksText.setObjectName(u"checksText")

        self.checksBoxLayout.addWidget(self.checksText)


        self.chairLayout.addWidget(self.checksBox)

        self.historyBox = QGroupBox(MeetingChairPanel)
        self.historyBox.setObjectName(u"historyBox")
        self.historyBoxLayout = QVBoxLayout(self.historyBox)
        self.historyBoxLayout.setObjectName(u"historyBoxLayout")
        self.historyBoxLayout.setContentsMargins(4, 4, 4, 4)
        self.historyText = ReadingPane(self.historyBox)
        self.historyText.setObjectName(u"historyText")

        self.historyBoxLayout.addWidget(self.historyText)


        self.chairLayout.addWidget(self.historyBox)

        self.thresholdBox = QGroupBox(MeetingChairPanel)
        self.thresholdBox.setObjectName(u"thresholdBox")
        self.thresholdBoxLayout = QVBoxLayout(self.thresholdBox)
        self.thresholdBoxLayout.setObjectName(u"thresholdBoxLayout")
        self.thresholdBoxLayout.setContentsMargins(4, 4, 4, 4)
        self.thresholdText = ReadingPane(self.thresholdBox)
        self.thresholdText.setObjectName(u"thresholdText")

        self.thresholdBoxLayout.addWidget(self.thresholdText)


        self.chairLayout.addWidget(self.thresholdBox)

        self.chairLayout.setStretch(0, 4)
        self.chairLayout.setStretch(1, 3)
        self.chairLayout.setStretch(2, 3)
        self.chairLayout.setStretch(3, 3)
        QWidget.setTabOrder(self.concernText, self.checksText)
        QWidget.setTabOrder(self.checksText, self.historyText)
        QWidget.setTabOrder(self.historyText, self.thresholdText)

        self.retranslateUi(MeetingChairPanel)

        QMetaObject.connectSlotsByName(MeetingChairPanel)
    # setupUi

    def retranslateUi(self, MeetingChairPanel):
        MeetingChairPanel.setWindowTitle(QCoreApplication.translate("MeetingChairPanel", u"The chair's view", None))
#if QT_CONFIG(accessibility)
        MeetingChairPanel.setAccessibleName(QCoreApplication.translate("MeetingChairPanel", u"The chair's view of the child", None))
#endif // QT_CONFIG(accessibility)
        self.concernBox.setTitle(QCoreApplication.translate("MeetingChairPanel", u"Concern: every contact behind this referral", None))
#if QT_CONFIG(accessibility)
        self.concernText.setAccessibleName(QCoreApplication.translate("MeetingChairPanel", u"Concern narratives", None))
#endif // QT_CONFIG(accessibility)
        self.checksBox.setTitle(QCoreApplication.translate("MeetingChairPanel", u"Agency returns", None))
#if QT_CONFIG(accessibility)
        self.checksText.setAccessibleName(QCoreApplication.translate("MeetingChairPanel", u"Agency returns", None))
#endif // QT_CONFIG(accessibility)
        self.historyBox.setTitle(QCoreApplication.translate("MeetingChairPanel", u"History: previous referrals, re-referral, open plans", None))
#if QT_CONFIG(accessibility)
        self.historyText.setAccessibleName(QCoreApplication.translate("MeetingChairPanel", u"History", None))
#endif // QT_CONFIG(accessibility)
        self.thresholdBox.setTitle(QCoreApplication.translate("MeetingChairPanel", u"Threshold assessment and suggested level", None))
#if QT_CONFIG(accessibility)
        self.thresholdText.setAccessibleName(QCoreApplication.translate("MeetingChairPanel", u"Threshold assessment", None))
#endif // QT_CONFIG(accessibility)
    # retranslateUi

